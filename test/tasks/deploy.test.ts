import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import ts from "typescript";
import { ethers } from "hardhat";
import { HardhatPluginError } from "hardhat/plugins";
import { MODULE_HEADER, readDeployment, type DeploymentRecord } from "../../scripts/lib/deployments";
import { DEFAULT_POLICY } from "../../scripts/lib/deploy";
import type { DeployOutcome } from "../../tasks/deploy";
import { runTask, useDeployedSystem } from "./support";

describe("deploy tasks", () => {
  const { dir, fixture } = useDeployedSystem();

  describe("ehr:deploy", () => {
    it("deploys the core and the book, linked, and records them in <network>.json", async () => {
      const { record, core, book, admin } = await fixture();
      expect(record).to.deep.include({ chainId: 31337, network: "hardhat", compiler: "0.8.30" });
      expect(record.policy).to.deep.equal(DEFAULT_POLICY);
      expect(await ethers.provider.getCode(record.core.address)).not.to.equal("0x");
      expect(await core.appointmentBook()).to.equal(record.appointmentBook.address);
      expect(await book.core()).to.equal(record.core.address);
      expect(await core.defaultAdmin()).to.equal(admin.address);
      const deployTx = await ethers.provider.getBlock(record.deployBlock);
      expect(record.deployedAt).to.equal(new Date(deployTx!.timestamp * 1000).toISOString().replace(".000Z", "Z"));
      expect(readDeployment("hardhat", dir())).to.deep.equal(record);
    });

    it("reuses the recorded deployment on a second run and says so", async () => {
      const { record } = await fixture();
      const blockBefore = await ethers.provider.getBlockNumber();
      const { result, output } = await runTask<DeployOutcome>("ehr:deploy");
      expect(result.reused).to.equal(true);
      expect(result.record).to.deep.equal(record);
      expect(output).to.contain("reusing it");
      expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
      expect(readDeployment("hardhat", dir())).to.deep.equal(record);
    });

    it("deploys a new system with --force", async () => {
      const { record } = await fixture();
      const { result } = await runTask<DeployOutcome>("ehr:deploy", { force: true });
      expect(result.reused).to.equal(false);
      expect(result.record.core.address).not.to.equal(record.core.address);
      expect(readDeployment("hardhat", dir())!.core.address).to.equal(result.record.core.address);
    });

    it("deploys anew when no code is at the recorded addresses", async () => {
      const { record } = await fixture();
      const stale: DeploymentRecord = { ...record, core: { address: ethers.Wallet.createRandom().address } };
      fs.writeFileSync(path.join(dir(), "hardhat.json"), JSON.stringify(stale));
      const { result, output } = await runTask<DeployOutcome>("ehr:deploy");
      expect(result.reused).to.equal(false);
      expect(output).to.contain("no contract code at its EhrCore address");
      expect(await ethers.provider.getCode(result.record.core.address)).not.to.equal("0x");
    });

    it("deploys anew when the recorded deployment is for another chain id", async () => {
      const { record } = await fixture();
      fs.writeFileSync(path.join(dir(), "hardhat.json"), JSON.stringify({ ...record, chainId: 1 }));
      const { result, output } = await runTask<DeployOutcome>("ehr:deploy");
      expect(result.reused).to.equal(false);
      expect(output).to.contain("it is for chain id 1, but network hardhat is chain id 31337");
      expect(result.record.chainId).to.equal(31337);
    });

    it("applies the policy options", async () => {
      await fixture();
      const { result } = await runTask<DeployOutcome>("ehr:deploy", {
        force: true,
        maxGrantDays: 30,
        emergencyHours: 2,
        requireHospitalApproval: true,
      });
      const expected = { maxGrantDuration: 30 * 86400, emergencyWindow: 2 * 3600, requireHospitalApproval: true };
      expect(result.record.policy).to.deep.equal(expected);
      const core = await ethers.getContractAt("EhrCore", result.record.core.address);
      const onChain = await core.policy();
      expect([onChain.maxGrantDuration, onChain.emergencyWindow, onChain.requireHospitalApproval]).to.deep.equal([
        30n * 86400n,
        7200n,
        true,
      ]);
    });

    it("refuses to reuse a deployment whose policy differs from the one asked for", async () => {
      const { record } = await fixture();
      await expect(runTask("ehr:deploy", { emergencyHours: 2 })).to.be.rejectedWith(
        HardhatPluginError,
        `The system deployed on this network at ${record.core.address} has a different emergency window than requested; pass --force to deploy a new system.`,
      );
      expect(readDeployment("hardhat", dir())).to.deep.equal(record);
    });

    it("leaves the book unlinked and says how to link it when --admin is another account", async () => {
      const { other } = await fixture();
      const { result, output } = await runTask<DeployOutcome>("ehr:deploy", { force: true, admin: other.address });
      const core = await ethers.getContractAt("EhrCore", result.record.core.address);
      expect(await core.defaultAdmin()).to.equal(other.address);
      expect(await core.appointmentBook()).to.equal(ethers.ZeroAddress);
      expect(output).to.contain(`npx hardhat ehr:link-book --network hardhat --from ${other.address}`);
    });

    it("refuses an invalid --admin address", async () => {
      const { record } = await fixture();
      await expect(runTask("ehr:deploy", { force: true, admin: "0x1234" })).to.be.rejectedWith(
        HardhatPluginError,
        `--admin "0x1234" is not a valid address.`,
      );
      expect(readDeployment("hardhat", dir())).to.deep.equal(record);
    });

    it("refuses an emergency window over 24 hours", async () => {
      const { record } = await fixture();
      await expect(runTask("ehr:deploy", { force: true, emergencyHours: 25 })).to.be.rejectedWith(
        HardhatPluginError,
        "--emergency-hours must be a whole number from 1 to 24.",
      );
      expect(readDeployment("hardhat", dir())).to.deep.equal(record);
    });

    it("refuses a --from account the network does not have", async () => {
      await fixture();
      const unknown = ethers.Wallet.createRandom().address;
      await expect(runTask("ehr:deploy", { force: true, from: unknown })).to.be.rejectedWith(
        HardhatPluginError,
        `--from ${unknown} is not one of the accounts of network hardhat.`,
      );
    });
  });

  describe("ehr:link-book", () => {
    it("lets the admin link the book of a system deployed for them", async () => {
      const { other } = await fixture();
      const { result } = await runTask<DeployOutcome>("ehr:deploy", { force: true, admin: other.address });
      const core = await ethers.getContractAt("EhrCore", result.record.core.address);
      await runTask("ehr:link-book", { from: other.address });
      expect(await core.appointmentBook()).to.equal(result.record.appointmentBook.address);
    });

    it("refuses a signer who is not the admin", async () => {
      const { admin, other } = await fixture();
      const { result } = await runTask<DeployOutcome>("ehr:deploy", { force: true, admin: other.address });
      await expect(runTask("ehr:link-book")).to.be.rejectedWith(
        HardhatPluginError,
        `${admin.address} is not the admin of the EhrCore at ${result.record.core.address} (the admin is ${other.address}); pass --from with the admin's address.`,
      );
      const core = await ethers.getContractAt("EhrCore", result.record.core.address);
      expect(await core.appointmentBook()).to.equal(ethers.ZeroAddress);
    });

    it("does nothing when the book is already linked", async () => {
      const { core, record } = await fixture();
      const { result, output } = await runTask<{ linked: boolean }>("ehr:link-book");
      expect(result.linked).to.equal(false);
      expect(output).to.contain("already linked");
      expect(await core.appointmentBook()).to.equal(record.appointmentBook.address);
    });
  });

  describe("ehr:codegen", () => {
    it("writes the module with the ABIs and every recorded deployment", async () => {
      const { record } = await fixture();
      const localhost: DeploymentRecord = {
        ...record,
        chainId: 1337,
        network: "besu",
        core: { address: ethers.Wallet.createRandom().address },
      };
      fs.writeFileSync(path.join(dir(), "besu.json"), JSON.stringify(localhost));
      await runTask("ehr:codegen");
      const source = fs.readFileSync(path.join(dir(), "contracts.ts"), "utf8");
      expect(source.split("\n")[0]).to.equal(MODULE_HEADER);
      expect(source).to.contain("export const ehrCoreAbi = [");
      expect(source).to.contain('"name": "openEmergencyAccess"');
      expect(source).to.contain("export const appointmentBookAbi = [");
      expect(source).to.contain('"name": "bookWithConsent"');
      expect(source).to.contain("export type EhrDeployment = {");
      for (const r of [record, localhost]) {
        expect(source).to.contain(
          [
            `  ${r.chainId}: {`,
            `    chainId: ${r.chainId},`,
            `    network: "${r.network}",`,
            `    core: "${r.core.address}",`,
            `    appointmentBook: "${r.appointmentBook.address}",`,
            `    deployBlock: ${r.deployBlock},`,
          ].join("\n"),
        );
      }
    });

    it("writes a module that typechecks, with the deployment typed literally", async () => {
      const { record } = await fixture();
      await runTask("ehr:codegen");
      const use = path.join(dir(), "use.ts");
      fs.writeFileSync(
        use,
        [
          `import { deployments, deploymentFor, ehrCoreAbi, type EhrDeployment } from "./contracts";`,
          `export const core: "${record.core.address}" = deployments[31337].core;`,
          `export const found: EhrDeployment | undefined = deploymentFor(1);`,
          `type Fn = Extract<(typeof ehrCoreAbi)[number], { type: "function" }>["name"];`,
          `export const fn: Fn = "openEmergencyAccess";`,
        ].join("\n"),
      );
      const program = ts.createProgram([use], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        skipLibCheck: true,
        types: [],
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(problems).to.deep.equal([]);
    });

    it("prefers a persistent network over the in-process one on the same chain id", async () => {
      const { record } = await fixture();
      const localhost = { ...record, network: "localhost", core: { address: ethers.Wallet.createRandom().address } };
      fs.writeFileSync(path.join(dir(), "localhost.json"), JSON.stringify(localhost));
      await runTask("ehr:codegen");
      const source = fs.readFileSync(path.join(dir(), "contracts.ts"), "utf8");
      expect(source).to.contain(`core: "${localhost.core.address}"`);
      expect(source).not.to.contain(`core: "${record.core.address}"`);
    });

    it("is regenerated by ehr:deploy", async () => {
      await fixture();
      const { result } = await runTask<DeployOutcome>("ehr:deploy", { force: true });
      const source = fs.readFileSync(path.join(dir(), "contracts.ts"), "utf8");
      expect(source).to.contain(`core: "${result.record.core.address}"`);
    });

    it("refuses to overwrite a contracts.ts it did not generate", async () => {
      await fixture();
      fs.writeFileSync(path.join(dir(), "contracts.ts"), "export const mine = 1;\n");
      await expect(runTask("ehr:codegen")).to.be.rejectedWith(HardhatPluginError, "was not generated by ehr:codegen");
      expect(fs.readFileSync(path.join(dir(), "contracts.ts"), "utf8")).to.equal("export const mine = 1;\n");
    });

    it("refuses a deployment file that is not a deployment record", async () => {
      await fixture();
      fs.writeFileSync(path.join(dir(), "broken.json"), "{");
      await expect(runTask("ehr:codegen")).to.be.rejectedWith(HardhatPluginError, "broken.json is not valid JSON.");
    });
  });
});
