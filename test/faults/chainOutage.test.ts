/**
 * The chain goes away under a running service process and comes back on the same port: readiness
 * goes red and requests that need the chain fail with 503 and a plain reason (never a hang, never
 * a stack trace); once the chain is back, the service recovers by itself and everything is there.
 * anvil keeps its state in `<dataDir>/chain/state.json` (scripts/lib/chain.ts); the hardhat test
 * test/integration/persistentChain.test.ts covers the chain alone across a SIGTERM restart (deploy
 * task, registered patient); this file adds the service's side and SIGKILL.
 */
import { stat } from "node:fs/promises";
import { expect } from "chai";
import { randomBytes } from "../../lib/bytes";
import { readChainRecord, recordCount } from "../../lib/chain/ehr";
import { Category } from "../../lib/categories";
import { EhrApiClient } from "../../lib/api/client";
import { createRecord, readRecord, type FlowContext } from "../../lib/records/flows";
import { filesUnder } from "../../offchain-api/testing/blobStoreContract";
import { rejection } from "../../lib/testing/rejection";
import { startChain, type Chain } from "../../scripts/lib/chain";
import { startTestStack, WEB_ORIGIN, type TestStack } from "../../offchain-api/testing/stack";
import { describeFault, download, readiness, signInTo, startServiceProcess, type ServiceUnderTest } from "./support";

describeFault("fault: the chain stops and comes back while the service runs", function () {
  let stack: TestStack;
  let service: ServiceUnderTest;
  let client: EhrApiClient;
  let ctx: FlowContext;
  let token: string;
  /** The first record's CID, read while the chain was up. */
  let firstCid: string;
  /** The chain restarted by a test (the stack's own `chain` is the first process). */
  let restarted: Chain | undefined;
  const written: { index: number; recordId: string; content: Uint8Array }[] = [];

  /** The chain on the stack's port and state file again. */
  const startAgain = async () => {
    restarted = await startChain({ dataDir: stack.dataDir, port: stack.chain.port, developmentCalls: true });
    return restarted;
  };
  const write = async () => {
    const content = randomBytes(4096);
    const created = await createRecord(ctx, {
      patient: stack.patient.address,
      category: Category.LabResults,
      content,
      mediaType: "text/plain",
      authorKey: stack.patient.key,
    });
    written.push({ index: created.index, recordId: created.recordId, content });
  };
  const session = () => fetch(`${service.url}/v1/auth/session`, { headers: { Authorization: `Bearer ${token}` } });

  before(async () => {
    stack = await startTestStack();
    service = await startServiceProcess(stack);
    client = new EhrApiClient({ baseUrl: service.url, origin: WEB_ORIGIN });
    await client.signIn(stack.patient.wallet);
    ctx = {
      publicClient: stack.publicClient,
      walletClient: stack.patient.wallet,
      core: stack.core,
      storage: client.blobStore(),
      vault: client.keyVault(),
    };
    token = await signInTo(stack, service.url, stack.patient);
    await write();
    firstCid = (await readChainRecord(stack.publicClient, stack.core, stack.patient.address, written[0].index)).cid;
  });
  after(async () => {
    await service?.close();
    await restarted?.stop();
    await stack?.close();
  });

  it("with the chain stopped: readiness is red naming the chain, chain requests are 503 chain_unavailable", async () => {
    await stack.chain.stop();
    const ready = await readiness(service.url);
    expect(ready).to.deep.equal({ status: 503, checks: { chain: "unreachable", storage: "ok" } });
    expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);

    const res = await session();
    expect(res.status).to.equal(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error).to.include({
      code: "chain_unavailable",
      message: "The chain could not read the account's role.",
    });
    expect(JSON.stringify(body)).not.to.match(/127\.0\.0\.1|fetch failed|ECONNREFUSED|\bat /);

    // A key release needs the chain (the record, the grant, the access log): refused plainly.
    const release = await fetch(`${service.url}/v1/keys/release`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        patient: stack.patient.address,
        recordIndex: written[0].index,
        recordId: written[0].recordId,
        part: "report",
      }),
    });
    expect(release.status).to.equal(503);
    expect(((await release.json()) as { error: { code: string } }).error.code).to.equal("chain_unavailable");
    // The patient's own ciphertext needs no chain to be served (the envelope names its patient).
    expect((await download(service.url, token, firstCid)).status).to.equal(200);
    // The client flow fails before storing anything (it reads the keys on the chain first).
    const blocks = await filesUnder(service.storeDir);
    await rejection(write());
    expect(await filesUnder(service.storeDir)).to.deep.equal(blocks);
    expect(service.running.child.exitCode).to.equal(null);
  });

  it("recovers by itself when the chain is back on the same port, with everything there (SIGTERM: state saved on exit)", async () => {
    await startAgain();
    expect(await readiness(service.url)).to.deep.equal({ status: 200, checks: { chain: "ok", storage: "ok" } });
    expect((await session()).status).to.equal(200);
    await expectAllReadable();
    await write();
    await expectAllReadable();
  });

  it("after a SIGKILL the chain restarts from its last state dump: once dumped, everything is there", async () => {
    const chain = restarted!;
    // anvil writes its state every DEFAULT_STATE_INTERVAL (5 s) and on a clean exit; a SIGKILL keeps
    // only the last dump. Wait for a dump made after the last write, then kill.
    const wroteAt = Date.now();
    const count = await recordCount(stack.publicClient, stack.core, stack.patient.address);
    await waitForDump(chain.stateFile, wroteAt);
    process.kill(chain.pid, "SIGKILL");
    await chain.exited;
    expect((await readiness(service.url)).checks.chain).to.equal("unreachable");

    await startAgain();
    expect((await readiness(service.url)).status).to.equal(200);
    expect(await recordCount(stack.publicClient, stack.core, stack.patient.address)).to.equal(count);
    await expectAllReadable();
  });

  /** Every record written so far reads back byte for byte through the service. */
  async function expectAllReadable(): Promise<void> {
    for (const { index, content } of written) {
      const read = await readRecord(ctx, { patient: stack.patient.address, index, readerKey: stack.patient.key });
      expect(read.plaintext).to.deep.equal(content);
      const onChain = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, index);
      expect((await download(service.url, token, onChain.cid)).status).to.equal(200);
    }
  }
});

/** Whether `file` was written after `time` (ms). */
async function dumpedAfter(file: string, time: number): Promise<boolean> {
  return (await stat(file)).mtimeMs > time;
}

/** Resolves once anvil has written its state file after `time` (ms). */
async function waitForDump(file: string, time: number): Promise<void> {
  while (!(await dumpedAfter(file, time))) await new Promise((resolve) => setTimeout(resolve, 200));
}
