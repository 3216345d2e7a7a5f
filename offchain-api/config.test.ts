import { expect } from "chai";
import { inspect } from "node:util";
import { FormatError } from "../lib/errors";
import { loadConfig } from "./config";
import { thrown } from "../lib/testing/thrown";

/** Everything a log line or an error could show of a value. */
const shown = (value: unknown) => `${JSON.stringify(value)} ${inspect(value, { depth: 5 })} ${String(value)}`;

describe("loadConfig: Kubo RPC credentials", () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  it("takes basic credentials from IPFS_API_URL's user info, and keeps them out of the URL and of what is printed", () => {
    const config = loadConfig({ IPFS_API_URL: "https://ehr%40api:p%3Ass-w0rd@kubo.example:5001" });
    expect(config.ipfsApiUrl).to.equal("https://kubo.example:5001");
    expect(config.ipfsApiAuthorization?.()).to.equal(basic("ehr@api", "p:ss-w0rd"));
    expect(shown(config)).not.to.include("w0rd");
    expect(shown(config)).not.to.include(Buffer.from("ehr@api:p:ss-w0rd").toString("base64"));
  });

  it("takes IPFS_API_USER and IPFS_API_PASSWORD, or a bearer IPFS_API_TOKEN", () => {
    const separate = loadConfig({ IPFS_API_URL: "http://127.0.0.1:5001", IPFS_API_USER: "u", IPFS_API_PASSWORD: "pw" });
    expect(separate.ipfsApiAuthorization?.()).to.equal(basic("u", "pw"));
    const token = loadConfig({ IPFS_API_URL: "http://127.0.0.1:5001", IPFS_API_TOKEN: "tok-123" });
    expect(token.ipfsApiAuthorization?.()).to.equal("Bearer tok-123");
    expect(loadConfig({ IPFS_API_URL: "http://127.0.0.1:5001" }).ipfsApiAuthorization).to.equal(undefined);
  });

  for (const [name, env] of [
    ["two ways at once", { IPFS_API_URL: "http://a:secret-1@127.0.0.1:5001", IPFS_API_TOKEN: "secret-2" }],
    ["a user without a password", { IPFS_API_URL: "http://127.0.0.1:5001", IPFS_API_USER: "secret-1" }],
    ["credentials without IPFS_API_URL", { IPFS_API_TOKEN: "secret-2" }],
    ["a URL that is not http(s)", { IPFS_API_URL: "ftp://a:secret-1@127.0.0.1" }],
  ] as const) {
    it(`refuses ${name}, naming the variable and never the secret`, () => {
      const error = thrown(() => loadConfig(env), FormatError);
      expect(error.details).to.match(/IPFS_API_/);
      expect(shown(error)).not.to.match(/secret-\d/);
    });
  }
});
