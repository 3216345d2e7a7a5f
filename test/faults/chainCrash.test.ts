/**
 * kill -9 of the local chain loses nothing a client was told was confirmed (issue 15, finding 7).
 * A real anvil behind the journaling front (scripts/lib/chain.ts), the contracts deployed by the
 * deploy code the scripts use, real EhrCore writes; each waits for its receipt, then the chain is
 * SIGKILLed at once and restarted on the same data folder. The state dump interval is an hour, so
 * no dump can save the day: what comes back comes from the journal. Before the journal, anvil kept
 * only its last dump (every 5 s) and these records and the revocation were gone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, HDNodeWallet, keccak256, toUtf8Bytes } from "ethers";
import { EhrCore__factory, type EhrCore } from "../../typechain-types";
import { deploySystem } from "../../scripts/lib/deploy";
import { startChain, type Chain } from "../../scripts/lib/chain";
import { generateUserKey } from "../../lib/keys/userKeyPair";
import { describeFault } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const LabResults = 1;
/** IPatientRegistry.PatientStatus.Active. */
const ACTIVE = 2n;
/** Long enough that no periodic dump runs during the test. */
const HOUR = 3600;

describeFault("fault: kill -9 of the local chain keeps every confirmed transaction", function () {
  let dataDir = "";
  let chain: Chain | undefined;
  let provider: JsonRpcProvider | undefined;
  let coreAddress = "";
  const account = (i: number) =>
    HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider!);
  const core = (i: number): EhrCore => EhrCore__factory.connect(coreAddress, new NonceManager(account(i)));

  const connect = (url: string) => {
    provider?.destroy();
    provider = new JsonRpcProvider(url, 31337, { staticNetwork: true, cacheTimeout: -1 });
    provider.pollingInterval = 50;
  };
  const start = async () => {
    chain = await startChain({ dataDir, port: 0, stateInterval: HOUR, developmentCalls: true });
    connect(chain.url);
    return chain;
  };
  /** SIGKILL of anvil the moment the receipt is in, then a start on the same folder. */
  const crashAndRestart = async () => {
    process.kill(chain!.pid, "SIGKILL");
    await chain!.exited;
    return start();
  };

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-chain-crash-"));
    await start();
    const admin = new NonceManager(account(0));
    const system = await deploySystem(admin);
    coreAddress = await system.core.getAddress();
    await (await system.core.addHospital(account(1).address, "Test General")).wait();
    await (await core(0).onboardDoctor(account(2).address, 1, 100, `0x${"ab".repeat(32)}`, "Dr Test", "")).wait();
  });

  after(async () => {
    provider?.destroy();
    await chain?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("a patient registered and a record added just before kill -9 of anvil are there after the restart", async () => {
    const patient = account(4);
    await (await core(4).registerPatient(generateUserKey().publicKey, `0x${"22".repeat(32)}`)).wait();
    const receipt = (await (
      await core(4).addRecord(patient.address, {
        category: LabResults,
        envelopeHash: keccak256(toUtf8Bytes("envelope")),
        cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
        summaryHash: `0x${"00".repeat(32)}`,
        summaryCid: "",
      })
    ).wait())!;
    const minedAt = (await provider!.getBlock(receipt.blockNumber))!.timestamp;

    const restarted = await crashAndRestart();
    const reader = EhrCore__factory.connect(coreAddress, provider!);
    expect((await reader.patient(patient.address)).status).to.equal(ACTIVE);
    expect(await reader.recordCount(patient.address)).to.equal(1n);
    expect((await reader.recordOf(patient.address, 0)).author).to.equal(patient.address);
    // From the journal: no dump was made after the setup.
    expect(restarted.replay.replayed).to.be.greaterThan(0);
    expect(restarted.replay.diverged).to.deep.equal([]);
    // Replayed in the same block at the time it had, so time rules judge it as they did.
    const again = (await provider!.getTransactionReceipt(receipt.hash))!;
    expect(again.blockNumber).to.equal(receipt.blockNumber);
    expect((await provider!.getBlock(again.blockNumber))!.timestamp).to.equal(minedAt);
    // And the clock is back to now for what comes next.
    await (
      await core(4).grantAccess(account(2).address, 1 << LabResults, BigInt(Math.floor(Date.now() / 1000) + HOUR))
    ).wait();
    const latest = (await provider!.getBlock("latest"))!.timestamp;
    expect(Math.abs(latest - Date.now() / 1000)).to.be.lessThan(30);
  });

  it("a revocation confirmed just before kill -9 of anvil does not roll back", async () => {
    const doctor = account(2).address;
    expect((await core(4).grantOf(account(4).address, doctor)).categories).to.not.equal(0n);
    await (await core(4).revokeAccess(doctor)).wait();
    await crashAndRestart();
    expect(
      (await EhrCore__factory.connect(coreAddress, provider!).grantOf(account(4).address, doctor)).categories,
    ).to.equal(0n);
  });

  it("kill -9 of the whole `npm run chain` process (the front) keeps them too, and ends the orphaned anvil", async function () {
    this.timeout(120_000);
    await chain!.stop();
    chain = undefined;
    const script = await startChainScript(dataDir);
    connect(script.url);
    await (await core(5).registerPatient(generateUserKey().publicKey, `0x${"33".repeat(32)}`)).wait();
    const anvilPid = (
      JSON.parse(fs.readFileSync(path.join(dataDir, "chain", "owner.json"), "utf8")) as { anvil: number }
    ).anvil;
    // The Node process only: its anvil child lives on with the transaction, unsaved.
    script.child.kill("SIGKILL");
    await new Promise((resolve) => script.child.once("exit", resolve));
    expect(isAlive(anvilPid)).to.equal(true);

    await start();
    expect(isAlive(anvilPid)).to.equal(false);
    const reader = EhrCore__factory.connect(coreAddress, provider!);
    expect((await reader.patient(account(5).address)).status).to.equal(ACTIVE);
    expect(await reader.recordCount(account(4).address)).to.equal(1n);
  });

  it("keeps the data folder 0700 and the chain's files 0600", async () => {
    const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
    expect(mode(dataDir)).to.equal("700");
    expect(mode(path.join(dataDir, "chain"))).to.equal("700");
    expect(mode(chain!.stateFile)).to.equal("600");
    expect(mode(chain!.journalFile)).to.equal("600");
    for (const name of fs.readdirSync(path.join(dataDir, "chain"))) {
      const file = path.join(dataDir, "chain", name);
      if (fs.statSync(file).isFile()) expect(mode(file), name).to.equal("600");
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm run chain` (scripts/chain.ts) on `dataDir` and a free port, as its own process. */
async function startChainScript(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", "chain.ts")],
    {
      cwd: ROOT,
      env: { ...process.env, EHR_DATA_DIR: dataDir, EHR_CHAIN_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /EHR local chain: (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`scripts/chain.ts exited with code ${code}: ${output.slice(-300)}`)));
  });
  return { child, url };
}
