import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { HardhatPluginError } from "hardhat/plugins";
import { newEncryptionKey } from "../helpers";
import type { PublishCustodianOutcome } from "../../tasks/custodian";
import { runTask, useDeployedSystem } from "./support";

/** A tiny stand-in for the storage service's `GET /v1/custodian` (the task only reads that). */
async function serveCustodian(body: unknown, status = 200): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.statusCode = req.url === "/v1/custodian" ? status : 404;
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("ehr:publish-custodian", () => {
  const { fixture } = useDeployedSystem();
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  const serve = async (body: unknown, status?: number) => {
    const { url, server } = await serveCustodian(body, status);
    servers.push(server);
    return url;
  };

  it("fetches the key from the storage service and publishes it, then says it is already published", async () => {
    const { core } = await fixture();
    const key = newEncryptionKey();
    const apiUrl = await serve({ publicKey: key.publicKey, published: false });
    const first = await runTask<PublishCustodianOutcome>("ehr:publish-custodian", { apiUrl });
    expect(first.result).to.deep.equal({ changed: true, publicKey: key.publicKey.toLowerCase() });
    expect(first.output).to.match(/The custodian key is published/);
    expect((await core.custodianKey()).publicKey).to.equal(key.compressed);

    const again = await runTask<PublishCustodianOutcome>("ehr:publish-custodian", { apiUrl });
    expect(again.result.changed).to.equal(false);
    expect(again.output).to.equal("The custodian key is already published.");
    expect((await core.custodianKey()).keyVersion).to.equal(1n);
  });

  it("publishes a key given with --public-key, replacing an older one", async () => {
    const { core } = await fixture();
    await runTask("ehr:publish-custodian", { publicKey: newEncryptionKey().publicKey });
    const key = newEncryptionKey();
    const { result, output } = await runTask<PublishCustodianOutcome>("ehr:publish-custodian", {
      publicKey: key.publicKey,
    });
    expect(result.changed).to.equal(true);
    expect(output).to.match(/The custodian key is replaced/);
    expect((await core.custodianKey()).publicKey).to.equal(key.compressed);
  });

  it("refuses a malformed key, both options, a signer who is not the admin, and changes nothing", async () => {
    const { core, stranger } = await fixture();
    await expect(runTask("ehr:publish-custodian", { publicKey: "0x1234" })).to.be.rejectedWith(
      HardhatPluginError,
      "--public-key must be 0x followed by 128 hex digits",
    );
    await expect(
      runTask("ehr:publish-custodian", { publicKey: newEncryptionKey().publicKey, apiUrl: "http://127.0.0.1:1" }),
    ).to.be.rejectedWith(HardhatPluginError, "Pass either --api-url or --public-key, not both.");
    await expect(
      runTask("ehr:publish-custodian", { publicKey: newEncryptionKey().publicKey, from: stranger.address }),
    ).to.be.rejectedWith(HardhatPluginError, `${stranger.address} is not the admin`);
    expect((await core.custodianKey()).publicKey).to.equal("0x");
  });

  it("refuses a key that is not a point on the curve with the contract's reason", async () => {
    const { core } = await fixture();
    await expect(runTask("ehr:publish-custodian", { publicKey: `0x${"11".repeat(64)}` })).to.be.rejectedWith(
      HardhatPluginError,
      /The contract refused to publish the custodian key: \w+/,
    );
    expect((await core.custodianKey()).publicKey).to.equal("0x");
  });

  it("fails clearly when the storage service is down or answers something else", async () => {
    const { core } = await fixture();
    const { url: down, server } = await serveCustodian({});
    await new Promise((resolve) => server.close(resolve));
    await expect(runTask("ehr:publish-custodian", { apiUrl: down })).to.be.rejectedWith(
      HardhatPluginError,
      /could not be reached; is it running\?/,
    );
    const broken = await serve({ error: { code: "internal" } }, 500);
    await expect(runTask("ehr:publish-custodian", { apiUrl: broken })).to.be.rejectedWith(
      HardhatPluginError,
      "answered HTTP 500 for /v1/custodian",
    );
    const odd = await serve({ publicKey: "0x12" });
    await expect(runTask("ehr:publish-custodian", { apiUrl: odd })).to.be.rejectedWith(
      HardhatPluginError,
      "did not answer with a custodian public key",
    );
    expect((await core.custodianKey()).publicKey).to.equal("0x");
  });
});
