import { expect } from "chai";
import express, { type RequestHandler } from "express";
import helmet from "helmet";
import request from "supertest";
import { securityHeaders } from "./securityHeaders";

/** The headers of GET / on an app with `middleware` in front of a plain answer, less the per-answer ones. */
async function headersWith(middleware: RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(middleware);
  app.get("/", (_req, res) => res.send("ok"));
  const res = await request(app).get("/").expect(200);
  const { date: _date, etag: _etag, connection: _connection, ...rest } = res.headers as Record<string, string>;
  return rest;
}

describe("securityHeaders", () => {
  it("sets exactly the headers helmet() sets, with the same values, and removes X-Powered-By", async () => {
    const ours = await headersWith(securityHeaders());
    expect(ours).to.deep.equal(await headersWith(helmet()));
    expect(ours).to.include.keys("content-security-policy", "strict-transport-security", "x-content-type-options");
    expect(ours).not.to.have.key("x-powered-by");
  });
});
