import { expect } from "chai";
import { fromBase64, toBase64 } from "../bytes";
import type { Address, Hex } from "viem";
import { BindingError, FormatError, IntegrityError } from "../errors";
import { generateUserKey } from "../keys/userKeyPair";
import { rejection } from "../testing/rejection";
import { checkContent, MAX_MESSAGE_TEXT } from "./content";
import { conversationId, newMessageId, openMessage, sealMessage, type SealInput } from "./seal";

describe("messages/seal", () => {
  const patient = generateUserKey();
  const doctor = generateUserKey();
  const stranger = generateUserKey();
  const scope = { chainId: 31337, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address };
  const P = "0x00000000000000000000000000000000000000a1" as Address;
  const D = "0x00000000000000000000000000000000000000d1" as Address;
  const input = (overrides: Partial<SealInput> = {}): SealInput => ({
    ...scope,
    patient: P,
    doctor: D,
    sender: D,
    content: { kind: "request", text: "Could you share your latest blood results?", categories: [3, 3, 4] },
    publicKeys: { patient: patient.publicKey, doctor: doctor.publicKey },
    ...overrides,
  });
  const as = (reader: Address, privateKey: Hex) => ({ ...scope, reader, privateKey });

  it("opens for both participants, either way, and hides the text from the sealed form", async () => {
    const sealed = await sealMessage(input());
    expect(sealed.threadId).to.equal(conversationId(scope, P, D));
    expect(JSON.stringify(sealed)).not.to.include("blood");
    const forPatient = await openMessage(sealed, as(P, patient.privateKey));
    const forDoctor = await openMessage(sealed, as(D, doctor.privateKey));
    expect(forPatient).to.deep.equal(forDoctor);
    expect(forPatient).to.deep.include({ id: sealed.id, sender: D, recipient: P });
    expect(forPatient.content).to.deep.equal({
      kind: "request",
      text: "Could you share your latest blood results?",
      categories: [3, 4],
    });

    const reply = await sealMessage(
      input({
        sender: P,
        content: { kind: "text", text: "Uploaded.", inReplyTo: sealed.id, answer: { recordIndex: 2 } },
      }),
    );
    expect(reply.threadId).to.equal(sealed.threadId);
    const read = await openMessage({ ...reply, sentAt: "2026-01-01T00:00:00.000Z" }, as(D, doctor.privateKey));
    expect(read).to.deep.include({ sender: P, recipient: D, sentAt: "2026-01-01T00:00:00.000Z" });
    expect(read.content).to.deep.equal({
      kind: "text",
      text: "Uploaded.",
      inReplyTo: sealed.id,
      answer: { recordIndex: 2 },
    });
  });

  it("refuses a reader who is not a participant, or the wrong private key", async () => {
    const sealed = await sealMessage(input());
    const other = "0x00000000000000000000000000000000000000e1" as Address;
    expect(await rejection(openMessage(sealed, as(other, stranger.privateKey)))).to.be.instanceOf(BindingError);
    expect(await rejection(openMessage(sealed, as(P, stranger.privateKey)))).to.be.instanceOf(IntegrityError);
  });

  it("refuses a message whose bound fields were changed (sender, thread, id, chain, keys)", async () => {
    const sealed = await sealMessage(input());
    const asPatient = as(P, patient.privateKey);
    // The sender is only in the associated data: swapping it breaks the tag.
    expect(await rejection(openMessage({ ...sealed, sender: P }, asPatient))).to.be.instanceOf(IntegrityError);
    // The key is bound to the message id.
    expect(await rejection(openMessage({ ...sealed, id: newMessageId() }, asPatient))).to.be.instanceOf(BindingError);
    expect(await rejection(openMessage({ ...sealed, chainId: 1 }, asPatient))).to.be.instanceOf(BindingError);
    const otherThread = conversationId(scope, P, "0x00000000000000000000000000000000000000d2" as Address);
    expect(await rejection(openMessage({ ...sealed, threadId: otherThread }, asPatient))).to.be.instanceOf(
      BindingError,
    );
    // A key of another message, moved over.
    const second = await sealMessage(input());
    const moved = { ...sealed, keys: second.keys };
    expect(await rejection(openMessage(moved, asPatient))).to.be.instanceOf(BindingError);
    const bytes = fromBase64(sealed.ciphertext);
    bytes[20] ^= 1;
    const flipped = { ...sealed, ciphertext: toBase64(bytes) };
    expect(await rejection(openMessage(flipped, asPatient))).to.be.instanceOf(IntegrityError);
    expect(await rejection(openMessage({ ...sealed, ciphertext: "AAAA" }, asPatient))).to.be.instanceOf(FormatError);
  });

  it("refuses to seal bad input, naming the field", async () => {
    const cases: [Partial<SealInput>, RegExp][] = [
      [{ sender: "0x00000000000000000000000000000000000000e1" as Address }, /sender/],
      [{ doctor: P }, /same account/],
      [{ content: { kind: "text", text: " " } }, /text/],
      [{ content: { kind: "text", text: "x".repeat(MAX_MESSAGE_TEXT + 1) } }, /text/],
      [{ content: { kind: "shout", text: "x" } as never }, /kind/],
      [{ content: { kind: "request", text: "x", categories: [32] } }, /categories/],
      [{ content: { kind: "text", text: "x", record: { patient: P, index: -1 } } }, /record.index/],
      [{ content: { kind: "text", text: "x", answer: {} } }, /answer/],
      [{ id: "0x12" as Hex }, /id/],
      [{ publicKeys: { patient: "0x1234" as Hex, doctor: doctor.publicKey } }, /./],
    ];
    for (const [overrides, details] of cases) {
      const error = await rejection(sealMessage(input(overrides)));
      expect(error, JSON.stringify(overrides).slice(0, 60)).to.be.instanceOf(FormatError);
      expect((error as FormatError).details ?? (error as FormatError).shortMessage).to.match(details);
    }
  });

  it("drops unknown content fields and keeps the record a message is about", () => {
    const content = checkContent({ kind: "text", text: "hi", record: { patient: P, index: 0 }, extra: "x" });
    expect(content).to.deep.equal({ kind: "text", text: "hi", record: { patient: P, index: 0 } });
  });
});
