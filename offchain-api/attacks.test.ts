/**
 * Attacks from the issue-15 red-team pass that held and that no other test covers: crafted paths,
 * HEAD requests, nesting bombs and what GET /v1/keys/held tells anyone but the patient. Each must
 * keep answering one refusal in the one error shape, never a 500, never another party's data.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import request from "supertest";
import { randomBytes } from "../lib/bytes";
import { generateDataKey, sealEnvelope } from "../lib/crypto/envelope";
import { newRecordId } from "../lib/crypto/identity";
import { fakeWrapped } from "./keys/fakeWrapped";
import { expectError, storedTestKeyEntry } from "./testing/records";
import { startTestStack, type StackAccount, type TestStack } from "./testing/stack";

describe("attacks that held (issue 15 red-team pass)", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  let cid: string;
  const auth = (who: StackAccount) => `Bearer ${tokens.get(who)}`;

  before(async () => {
    stack = await startTestStack();
    for (const who of [stack.patient, stack.doctor, stack.outsider]) tokens.set(who, await stack.signIn(who));
    const identity = {
      chainId: stack.chain.chainId,
      contract: stack.core,
      patient: stack.patient.address,
      recordId: newRecordId(),
      category: 3,
      part: "report" as const,
    };
    const bytes = await sealEnvelope(randomBytes(2000), generateDataKey(), identity, { compress: "never" });
    const res = await request(stack.app)
      .post("/v1/blobs")
      .set("Authorization", auth(stack.patient))
      .set("Content-Type", "application/octet-stream")
      .set("X-Content-SHA256", `0x${createHash("sha256").update(bytes).digest("hex")}`)
      .send(Buffer.from(bytes))
      .expect(201);
    cid = res.body.cid as string;
  });
  after(async () => stack?.close());

  it("HEAD of a blob is refused to a stranger like GET (403, no length leaked); Range gets the whole blob, never a part", async () => {
    const head = await request(stack.app).head(`/v1/blobs/${cid}`).set("Authorization", auth(stack.outsider));
    expect(head.status).to.equal(403);
    const ranged = await request(stack.app)
      .get(`/v1/blobs/${cid}`)
      .set("Authorization", auth(stack.patient))
      .set("Range", "bytes=0-9")
      .buffer(true);
    expect(ranged.status).to.equal(200);
    expect(Number(ranged.headers["content-length"])).to.be.above(2000);
  });

  it("a CID with one character changed, or a path climbing out, is 400 or 404, never a file or a 500", async () => {
    const flipped = `${cid.slice(0, -1)}${cid.endsWith("a") ? "b" : "a"}`;
    for (const path of [
      `/v1/blobs/${flipped}`,
      "/v1/blobs/..%2F..%2Fcustodian.key",
      "/v1/blobs/%2e%2e%2f%2e%2e%2fsession.secret",
      `/v1/blobs/${cid}%00`,
      "/v1/messages/conversations/..%2F..%2Fapi",
    ]) {
      const res = await request(stack.app).get(path).set("Authorization", auth(stack.patient));
      expect([400, 404], `${path}: ${res.text}`).to.include(res.status);
      expect(res.body.error, path).to.be.an("object");
    }
  });

  it("nesting bombs are 400 or a plain answer, never a 500: 400,000 '[' for keys, 500,000 deep FHIR", async () => {
    const keys = await request(stack.app)
      .post("/v1/keys")
      .set("Authorization", auth(stack.doctor))
      .set("Content-Type", "application/json")
      .send(`{"entries":${"[".repeat(400_000)}`);
    expectError(keys, 400, "bad_request", /not valid JSON/);
    const deep = `{"resourceType":"Bundle","entry":${"[".repeat(500_000)}${"]".repeat(500_000)}}`;
    const fhir = await request(stack.app)
      .post("/v1/summaries")
      .set("Authorization", auth(stack.patient))
      .set("Content-Type", "application/fhir+json")
      .send(deep);
    expect(fhir.status, fhir.text).to.be.oneOf([200, 400, 422]);
    await request(stack.app).get("/healthz").expect(200);
  });

  it("GET /v1/keys/held answers only the session's own entries: a stranger naming a reader learns nothing", async () => {
    // The patient's key for a doctor they gave access to.
    const expires = Number((await stack.publicClient.getBlock()).timestamp) + 86400;
    await (await stack.coreAs(stack.patient).grantAccess(stack.doctor.address, 1 << 3, expires)).wait();
    const entry = await storedTestKeyEntry(stack, { wrapped: fakeWrapped("cd") });
    await request(stack.app)
      .post("/v1/keys")
      .set("Authorization", auth(stack.patient))
      .send({ entries: [entry] })
      .expect(201);
    const held = (who: StackAccount) =>
      request(stack.app)
        .get(`/v1/keys/held?reader=${stack.doctor.address}`)
        .set("Authorization", auth(who))
        .expect(200);
    expect((await held(stack.patient)).body.envelopeHashes).to.deep.equal([entry.envelopeHash]);
    for (const who of [stack.outsider, stack.doctor]) expect((await held(who)).body.envelopeHashes).to.deep.equal([]);
  });
});
