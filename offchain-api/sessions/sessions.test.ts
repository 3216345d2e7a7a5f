import { expect } from "chai";
import request from "supertest";
import { startTestStack, type TestStack } from "../testing/stack";

describe("sessions (SIWE)", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => stack?.close());

  it("signs in and reports the role read from the chain", async () => {
    const token = await stack.signIn(stack.patient);
    const { body } = await request(stack.app)
      .get("/v1/auth/session")
      .set("Authorization", `Bearer ${token}`)
      .expect(200);
    expect(body.address).to.equal(stack.patient.address);
    expect(body.role).to.equal("patient");
  });
});
