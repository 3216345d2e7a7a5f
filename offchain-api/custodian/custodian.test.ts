import { expect } from "chai";
import request from "supertest";
import { startTestStack, type TestStack } from "../testing/stack";

describe("GET /v1/custodian", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ withoutCustodian: true });
  });
  after(async () => stack?.close());

  it("answers the custodian's public key, not published until the admin sets it on the chain", async () => {
    const before = await request(stack.app).get("/v1/custodian").expect(200);
    expect(before.body).to.deep.equal({ publicKey: stack.services.custodian.publicKey, published: false });
    expect(before.body.publicKey).to.match(/^0x[0-9a-f]{128}$/);
    expect(JSON.stringify(before.body)).not.to.include(stack.services.custodian.privateKey.slice(2));
    await (await stack.coreContract.setCustodianKey(stack.services.custodian.publicKey)).wait();
    expect((await request(stack.app).get("/v1/custodian").expect(200)).body.published).to.equal(true);
  });

  it("reports published false when the chain holds another key", async () => {
    await (await stack.coreContract.setCustodianKey(stack.patient.key.publicKey)).wait();
    expect((await request(stack.app).get("/v1/custodian").expect(200)).body.published).to.equal(false);
  });
});
