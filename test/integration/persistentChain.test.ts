/**
 * The persistent local chain of `npm run chain`: a real anvil process (scripts/lib/chain.ts) with
 * its state in a temp data dir. Deploys with the real `ehr:deploy` CLI, registers a patient, stops
 * anvil with SIGTERM, restarts it on the same state file and finds both again.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import { EhrCore__factory } from "../../typechain-types";
import { startChain, type Chain } from "../../scripts/lib/chain";
import { readDeployment } from "../../scripts/lib/deployments";
import { ensureDeployed } from "../../tasks/deploy";
import { newEncryptionKey, PatientStatus } from "../helpers";

const ROOT = path.resolve(__dirname, "..", "..");

describe("persistent local chain", function () {
  this.timeout(60_000);
  let dataDir = "";
  let deploymentsDir = "";
  let chain: Chain | undefined;
  let provider: ethers.JsonRpcProvider | undefined;

  before(function () {
    // Coverage instruments the contracts far past the size limit a real node enforces; this test
    // is about the node's persistence, not coverage, so it runs only with the real bytecode.
    if ((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) this.skip();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-data-"));
    deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-deployments-"));
  });

  afterEach(async () => {
    provider?.destroy();
    provider = undefined;
    await chain?.stop();
    chain = undefined;
  });

  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(deploymentsDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ chain: Chain; provider: ethers.JsonRpcProvider }> {
    chain = await startChain({ dataDir, port: 0, developmentCalls: true });
    provider = new ethers.JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true });
    return { chain, provider };
  }

  async function stop(): Promise<void> {
    provider?.destroy();
    provider = undefined;
    await chain!.stop();
    chain = undefined;
  }

  it("keeps the deployment and a registered patient across a restart", async () => {
    const first = await start();
    // The real task, through the Hardhat CLI, against this anvil as the `localhost` network.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "bootstrap.js"),
        "ehr:deploy",
        "--network",
        "localhost",
      ],
      {
        cwd: ROOT,
        env: { ...process.env, LOCAL_RPC_URL: first.chain.url, EHR_DEPLOYMENTS_DIR: deploymentsDir },
        timeout: 45_000,
      },
    );
    expect(stdout).to.contain("Deployed EhrCore at");
    const record = readDeployment("localhost", deploymentsDir)!;
    expect(record.chainId).to.equal(31337);

    const patient = await first.provider.getSigner(4);
    const core = EhrCore__factory.connect(record.core.address, patient);
    await (await core.registerPatient(newEncryptionKey().publicKey, ethers.id("backup"))).wait();
    const blockBefore = await first.provider.getBlockNumber();
    const stateFile = first.chain.stateFile;
    await stop();
    expect(fs.statSync(stateFile).size).to.be.greaterThan(0);

    const second = await start();
    expect(await second.provider.getCode(record.core.address)).not.to.equal("0x");
    expect(await second.provider.getBlockNumber()).to.be.at.least(blockBefore);
    const reader = EhrCore__factory.connect(record.core.address, second.provider);
    expect((await reader.patient(patient.address)).status).to.equal(PatientStatus.Active);
    const registered = await reader.queryFilter(reader.filters.PatientRegistered(patient.address), record.deployBlock);
    expect(registered).to.have.length(1);
    // The deploy task sees the same system and reuses it.
    const quiet = console.log;
    console.log = () => undefined;
    try {
      const again = await ensureDeployed("localhost", await second.provider.getSigner(0), {}, deploymentsDir);
      expect(again.reused).to.equal(true);
      expect(again.record).to.deep.equal(record);
    } finally {
      console.log = quiet;
    }
  });

  it("refuses to start on a port that is already in use", async () => {
    const first = await start();
    await expect(
      startChain({ dataDir: fs.mkdtempSync(path.join(dataDir, "other-")), port: first.chain.port }),
    ).to.be.rejectedWith(Error, /^The chain port 127\.0\.0\.1:\d+ is already in use\.$/);
  });
});
