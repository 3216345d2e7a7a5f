import { expect } from "chai";
import type { Address } from "viem";
import { fromBase64 } from "../bytes";
import { FormatError, IntegrityError } from "../errors";
import { generateUserKey } from "../keys/userKeyPair";
import { sealMessage } from "../messages/seal";
import { rejection } from "../testing/rejection";
import { MAX_CARD_NAME, openIdentityCard, sealIdentityCard, type SealCardInput } from "./card";

describe("identity/card", () => {
  const patient = generateUserKey();
  const doctor = generateUserKey();
  const scope = { chainId: 31337, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address };
  const P = "0x00000000000000000000000000000000000000a1" as Address;
  const D = "0x00000000000000000000000000000000000000d1" as Address;
  const input = (card: SealCardInput["card"]): SealCardInput => ({
    ...scope,
    patient: P,
    doctor: D,
    card,
    publicKeys: { patient: patient.publicKey, doctor: doctor.publicKey },
  });

  it("opens for the doctor and the patient, with the name out of sight in the sealed form", async () => {
    const sealed = await sealIdentityCard(input({ name: "  Grace Hopper ", dateOfBirth: "1906-12-09" }));
    expect(sealed.sender).to.equal(P);
    expect(new TextDecoder().decode(fromBase64(sealed.ciphertext))).not.to.include("Grace");
    for (const [reader, key] of [
      [D, doctor.privateKey],
      [P, patient.privateKey],
    ] as const) {
      const opened = await openIdentityCard(sealed, { ...scope, reader, privateKey: key });
      expect(opened).to.deep.equal({ name: "Grace Hopper", dateOfBirth: "1906-12-09", patient: P, doctor: D });
    }
  });

  it("refuses to seal a bad card, naming the field and never its value", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ name: "" }, /^name: /],
      [{ name: "x".repeat(MAX_CARD_NAME + 1) }, /^name: /],
      [{ name: "Ada", dateOfBirth: "1990-02-30" }, /^dateOfBirth: must be a real date/],
      [{ name: "Ada", dateOfBirth: "12/09/1906" }, /^dateOfBirth: must be a date YYYY-MM-DD/],
      [{ name: "Ada", ssn: "123-45-6789" }, /unrecognized|ssn/i],
    ];
    for (const [card, details] of cases) {
      const error = await rejection(sealIdentityCard(input(card as SealCardInput["card"])));
      expect(error, JSON.stringify(card)).to.be.instanceOf(FormatError);
      expect((error as FormatError).details).to.match(details);
      expect(String((error as FormatError).details)).not.to.include("123-45");
    }
  });

  it("is a card, not a message: a message never opens as a card", async () => {
    const message = await sealMessage({
      ...scope,
      patient: P,
      doctor: D,
      sender: P,
      content: { kind: "text", text: "hello" },
      publicKeys: { patient: patient.publicKey, doctor: doctor.publicKey },
    });
    const error = await rejection(openIdentityCard(message, { ...scope, reader: D, privateKey: doctor.privateKey }));
    expect(error).to.be.instanceOf(IntegrityError);
  });
});
