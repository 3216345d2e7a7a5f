/**
 * The Besu deployment profile (deploy/besu, scripts/lib/besu.ts). Besu itself cannot be run here
 * (no Besu or Java 21 package in Debian, no download), so this checks what can be checked: the
 * genesis template's QBFT and free-gas fields, the extraData and generated files, and that the
 * contracts deploy and work on a chain with the same chain id, block gas limit, zero base fee and
 * zero gas price (anvil), from an account that holds no ether at all.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import { fromRlp, getAddress, type Address, type Hex } from "viem";
import { EhrCore__factory } from "../../typechain-types";
import { anvilBinary } from "../../scripts/lib/chain";
import { generateNetwork, newNode, qbftExtraData, readTemplate } from "../../scripts/lib/besu";
import { ensureDeployed } from "../../tasks/deploy";
import { Category, newEncryptionKey, recordInput } from "../helpers";

const QBFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
const template = readTemplate();
const GAS_LIMIT = Number(template.gasLimit);

/** Gas price 0 on every transaction, as Hardhat's `gasPrice: 0` (EHR_GAS_PRICE=0) does for Besu. */
class FreeGasProvider extends ethers.JsonRpcProvider {
  override async getFeeData(): Promise<ethers.FeeData> {
    return new ethers.FeeData(0n, null, null);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("Besu QBFT deployment profile", function () {
  describe("genesis template", function () {
    it("is QBFT with the documented timing, on Cancun, and nothing else as consensus", function () {
      const { qbft } = template.config;
      expect(qbft.blockperiodseconds).to.equal(2);
      expect(qbft.epochlength).to.equal(30000);
      expect(qbft.requesttimeoutseconds).to.be.greaterThan(qbft.blockperiodseconds);
      for (const other of ["ibft2", "clique", "ethash"]) expect(template.config).not.to.have.property(other);
      expect(template.config.cancunTime).to.equal(0);
      expect(template.mixHash).to.equal(QBFT_MIX_HASH);
    });

    it("is a free-gas network with a 30M block gas limit", function () {
      expect(template.config.zeroBaseFee).to.equal(true);
      expect(template.baseFeePerGas).to.equal("0x0");
      expect(GAS_LIMIT).to.equal(30_000_000);
    });
  });

  describe("QBFT extraData", function () {
    it("RLP-encodes vanity, the validators, no vote, round 0 and no seals", function () {
      const validators = [1, 2, 3, 4].map((i) => getAddress(`0x${String(i).repeat(40)}`));
      const extra = qbftExtraData(validators);
      expect(extra.startsWith("0xf87aa0")).to.equal(true); // 122-byte list, 32-byte vanity first
      const [vanity, list, vote, round, seals] = fromRlp(extra) as [Hex, Hex[], Hex[], Hex, Hex[]];
      expect(vanity).to.equal(`0x${"00".repeat(32)}`);
      expect(list.map((a) => getAddress(a))).to.deep.equal(validators);
      expect(vote).to.deep.equal([]);
      expect(round).to.equal("0x");
      expect(seals).to.deep.equal([]);
    });

    it("refuses an empty validator set", function () {
      expect(() => qbftExtraData([])).to.throw(/at least one validator/);
    });
  });

  describe("generated network", function () {
    let out = "";
    beforeEach(() => (out = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-besu-"))));
    afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

    it("writes four validators whose keys, enodes, allowlists and genesis agree", function () {
      const deployer = ethers.Wallet.createRandom().address as Address;
      const { nodes } = generateNetwork({ outDir: out, accounts: [deployer] });
      expect(nodes).to.have.length(4);
      const genesis = JSON.parse(fs.readFileSync(path.join(out, "genesis.json"), "utf8"));
      const [, validators] = fromRlp(genesis.extraData) as [Hex, Hex[]];
      expect(validators.map((v) => getAddress(v))).to.deep.equal(nodes.map((n) => n.address));
      for (const node of nodes) {
        const dir = path.join(out, `node${node.index + 1}`);
        const key = fs.readFileSync(path.join(dir, "key"), "utf8") as Hex;
        expect(fs.statSync(path.join(dir, "key")).mode & 0o077).to.equal(0);
        expect(newNode(node.index, key).enode).to.equal(node.enode);
        const permissions = fs.readFileSync(path.join(dir, "permissions_config.toml"), "utf8");
        for (const n of nodes) expect(permissions).to.contain(n.enode);
        expect(permissions).to.contain(`accounts-allowlist=["${deployer}"]`);
        const statics = JSON.parse(fs.readFileSync(path.join(dir, "static-nodes.json"), "utf8")) as string[];
        expect(statics).to.have.length(3).and.not.include(node.enode);
        const config = fs.readFileSync(path.join(dir, "config.toml"), "utf8");
        expect(config).to.contain("min-gas-price=0").and.contain("discovery-enabled=false");
        expect(config).to.contain(`rpc-http-enabled=${node.index === 0}`);
        expect(config).not.to.contain(node.privateKey.slice(2));
      }
    });

    it("refuses a network without an allowed account or validators, writing nothing", function () {
      expect(() => generateNetwork({ outDir: path.join(out, "a"), accounts: [] })).to.throw(/at least one account/);
      expect(() =>
        generateNetwork({ outDir: path.join(out, "b"), accounts: [ethers.ZeroAddress as Address], validators: 0 }),
      ).to.throw(/--validators/);
      expect(fs.readdirSync(out)).to.deep.equal([]);
    });
  });

  describe("the contracts on a chain with the genesis's gas rules", function () {
    let anvil: ChildProcess | undefined;
    let provider: FreeGasProvider | undefined;
    let deploymentsDir = "";

    before(async function () {
      if ((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) this.skip();
      const port = await freePort();
      const args = [
        "--port",
        String(port),
        "--chain-id",
        String(template.config.chainId),
        "--gas-limit",
        String(GAS_LIMIT),
      ];
      args.push("--gas-price", "0", "--block-base-fee-per-gas", "0", "--silent");
      anvil = spawn(anvilBinary(), args, { stdio: "ignore" });
      const url = `http://127.0.0.1:${port}`;
      provider = new FreeGasProvider(url, template.config.chainId, {
        staticNetwork: true,
        // Transactions follow each other at once: no cached nonce from the previous one.
        cacheTimeout: -1,
      });
      for (let i = 0; ; i++) {
        try {
          await provider.getBlockNumber();
          break;
        } catch (error) {
          if (i > 100) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "ehr-besu-deployments-"));
    });

    after(function () {
      provider?.destroy();
      anvil?.kill("SIGTERM");
      if (deploymentsDir) fs.rmSync(deploymentsDir, { recursive: true, force: true });
    });

    it("deploys, registers a patient, adds a record and sets a preference from accounts that hold no ether", async function () {
      const block = await provider!.getBlock("latest");
      expect(block!.gasLimit).to.equal(BigInt(GAS_LIMIT));
      expect(block!.baseFeePerGas).to.equal(0n);

      const admin = ethers.Wallet.createRandom().connect(provider!);
      const patient = ethers.Wallet.createRandom().connect(provider!);
      const quiet = console.log;
      console.log = () => undefined;
      let record;
      try {
        ({ record } = await ensureDeployed("besu", admin, {}, deploymentsDir));
      } finally {
        console.log = quiet;
      }
      expect(record.chainId).to.equal(template.config.chainId);

      const core = EhrCore__factory.connect(record.core.address, patient);
      const receipts = [
        await (await core.registerPatient(newEncryptionKey().publicKey, ethers.id("backup"))).wait(),
        await (await core.addRecord(patient.address, recordInput(Category.ClinicalNotes))).wait(),
        await (await core.setEmergencyOptOut(true)).wait(),
      ];
      for (const receipt of receipts) {
        expect(receipt!.status).to.equal(1);
        expect(receipt!.gasPrice).to.equal(0n);
      }
      expect(await core.recordCount(patient.address)).to.equal(1n);
      expect(await provider!.getBalance(admin.address)).to.equal(0n);
      expect(await provider!.getBalance(patient.address)).to.equal(0n);
    });

    it("refuses a transaction above the block gas limit, and a priced one from an empty account", async function () {
      const sender = ethers.Wallet.createRandom().connect(provider!);
      const tooBig = await sender
        .sendTransaction({ to: sender.address, gasLimit: GAS_LIMIT + 1, gasPrice: 0 })
        .catch((e: unknown) => e);
      expect(String(tooBig)).to.match(/gas_limit > env\.block\.gas_limit|exceeds block gas limit/);
      await expect(sender.sendTransaction({ to: sender.address, gasLimit: 21_000, gasPrice: 1 })).to.be.rejectedWith(
        Error,
        /insufficient funds/i,
      );
      expect(await provider!.getTransactionCount(sender.address)).to.equal(0);
    });
  });
});
