import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { contractFacts } from "../scripts/lib/contractFacts";
import { getAddress, type Signer } from "ethers";
import {
  COMPILER_VERSION,
  deploymentPath,
  deploymentsDir,
  readDeployment,
  writeDeployment,
  writeModule,
  type DeploymentRecord,
} from "../scripts/lib/deployments";
import {
  deploymentProblem,
  describeError,
  describePolicy,
  fail,
  isoTime,
  parseAddress,
  parseInteger,
  resolveSigner,
  say,
  send,
  systemFor,
} from "./common";

export interface DeployTaskArgs {
  admin?: string;
  maxGrantDays?: number;
  emergencyHours?: number;
  requireHospitalApproval?: boolean;
  force?: boolean;
  from?: string;
}

export interface DeployOutcome {
  record: DeploymentRecord;
  /** True when an existing deployment was reused. */
  reused: boolean;
  /** The deployment file. */
  file: string;
}

/**
 * The idempotent deploy behind `ehr:deploy`: reuses the deployment recorded for `network` when its
 * contracts are on this chain, else deploys with scripts/lib/deploy.ts and records it.
 */
export async function ensureDeployed(
  network: string,
  signer: Signer,
  args: DeployTaskArgs = {},
  dir = deploymentsDir(),
): Promise<DeployOutcome> {
  const provider = signer.provider;
  if (!provider) fail("The signer has no provider.");
  const admin = args.admin === undefined ? undefined : parseAddress(args.admin, "--admin");
  const maxGrantDays =
    args.maxGrantDays === undefined ? undefined : parseInteger(args.maxGrantDays, "--max-grant-days", 1, 36500);
  const emergencyHours =
    args.emergencyHours === undefined ? undefined : parseInteger(args.emergencyHours, "--emergency-hours", 1, 24);
  const file = deploymentPath(network, dir);

  let existing: DeploymentRecord | undefined;
  try {
    existing = readDeployment(network, dir);
  } catch (error) {
    if (!args.force) fail(`${(error as Error).message} Fix or remove it, or pass --force to deploy anew.`);
  }
  if (existing && !args.force) {
    const problem = await deploymentProblem(existing, network, provider);
    if (!problem) {
      await refuseConflicts(existing, signer, { ...args, admin, maxGrantDays, emergencyHours });
      say(
        `The system is already deployed on network ${network} (chain id ${existing.chainId}): ` +
          `EhrCore at ${existing.core.address}, AppointmentBook at ${existing.appointmentBook.address}, ` +
          `since block ${existing.deployBlock}; reusing it.`,
      );
      return { record: existing, reused: true, file };
    }
    say(`The deployment recorded in ${file} cannot be reused: ${problem}. Deploying anew.`);
  }

  const { deploySystem } = await import("../scripts/lib/deploy");
  const deployer = getAddress(await signer.getAddress());
  say(`Deploying EhrCore and AppointmentBook to network ${network} from ${deployer}...`);
  let deployed;
  try {
    deployed = await deploySystem(signer, {
      admin,
      policy: {
        ...(maxGrantDays !== undefined && { maxGrantDuration: maxGrantDays * 86400 }),
        ...(emergencyHours !== undefined && { emergencyWindow: emergencyHours * 3600 }),
        ...(args.requireHospitalApproval && { requireHospitalApproval: true }),
      },
    });
  } catch (error) {
    const { EhrCore__factory } = await import("../typechain-types");
    fail(`The deployment failed: ${describeError(error, [EhrCore__factory.createInterface()])}.`);
  }
  const { core, book, deployBlock } = deployed;
  const policy = await core.policy();
  const block = await provider.getBlock(deployBlock);
  const record: DeploymentRecord = {
    chainId: Number((await provider.getNetwork()).chainId),
    network,
    core: { address: await core.getAddress() },
    appointmentBook: { address: await book.getAddress() },
    deployBlock,
    deployedAt: block ? isoTime(block.timestamp) : new Date().toISOString(),
    policy: {
      maxGrantDuration: Number(policy.maxGrantDuration),
      emergencyWindow: Number(policy.emergencyWindow),
      requireHospitalApproval: policy.requireHospitalApproval,
    },
    compiler: COMPILER_VERSION,
  };
  writeDeployment(record, dir);
  say(
    `Deployed EhrCore at ${record.core.address} and AppointmentBook at ${record.appointmentBook.address} ` +
      `on network ${network} (chain id ${record.chainId}, block ${deployBlock}).`,
  );
  say(`Policy: ${describePolicy(record.policy)}.`);
  const adminAddress = await core.defaultAdmin();
  say(`Admin: ${adminAddress}.`);
  if (adminAddress !== deployer) {
    say(
      `The admin must link the appointment book before anyone can book: ` +
        `npx hardhat ehr:link-book --network ${network} --from ${adminAddress}`,
    );
  }
  say(`Wrote ${file}.`);
  return { record, reused: false, file };
}

/** Explicitly requested settings that differ from the deployed system's are an error, not a no-op. */
async function refuseConflicts(
  record: DeploymentRecord,
  signer: Signer,
  wanted: { admin?: string; maxGrantDays?: number; emergencyHours?: number; requireHospitalApproval?: boolean },
): Promise<void> {
  const { EhrCore__factory } = await import("../typechain-types");
  const core = EhrCore__factory.connect(record.core.address, signer);
  const policy = await core.policy();
  const differences: string[] = [];
  if (wanted.admin !== undefined && wanted.admin !== (await core.defaultAdmin())) differences.push("admin");
  if (wanted.maxGrantDays !== undefined && BigInt(wanted.maxGrantDays * 86400) !== policy.maxGrantDuration) {
    differences.push("maximum grant duration");
  }
  if (wanted.emergencyHours !== undefined && BigInt(wanted.emergencyHours * 3600) !== policy.emergencyWindow) {
    differences.push("emergency window");
  }
  if (wanted.requireHospitalApproval && !policy.requireHospitalApproval) differences.push("hospital approval");
  if (differences.length > 0) {
    fail(
      `The system deployed on this network at ${record.core.address} has a different ${differences.join(", ")} ` +
        `than requested; pass --force to deploy a new system.`,
    );
  }
}

/** Regenerates deployments/contracts.ts from the artifacts and every deployment file. */
export async function generateModule(hre: HardhatRuntimeEnvironment, dir = deploymentsDir()) {
  let abis;
  try {
    // The two contracts may come from separate compilations: read the sources of both.
    const sources = {};
    for (const name of ["contracts/EhrCore.sol:EhrCore", "contracts/AppointmentBook.sol:AppointmentBook"]) {
      const buildInfo = await hre.artifacts.getBuildInfo(name);
      if (!buildInfo) throw new Error(`no build info for ${name}`);
      Object.assign(sources, buildInfo.output.sources);
    }
    abis = {
      ehrCoreAbi: (await hre.artifacts.readArtifact("EhrCore")).abi,
      appointmentBookAbi: (await hre.artifacts.readArtifact("AppointmentBook")).abi,
      facts: contractFacts({ sources }),
    };
  } catch {
    fail("The contract artifacts are missing; run `npx hardhat compile` first.");
  }
  try {
    return writeModule(abis, dir);
  } catch (error) {
    fail((error as Error).message);
  }
}

task("ehr:deploy", "Deploys EhrCore and AppointmentBook, or reuses the deployment recorded for this network")
  .addOptionalParam("admin", "The admin (consortium operator) address; default: the deployer")
  .addOptionalParam("maxGrantDays", "Longest consent a patient can give, in days (default 365)", undefined, types.int)
  .addOptionalParam(
    "emergencyHours",
    "Length of a break-glass window, in hours, 1 to 24 (default 4)",
    undefined,
    types.int,
  )
  .addFlag("requireHospitalApproval", "Require a hospital's approval of each patient registration")
  .addFlag("force", "Deploy a new system even if one is recorded for this network")
  .addOptionalParam("from", "The deployer account (default: the first account)")
  .setAction(async (args: DeployTaskArgs, hre) => {
    const signer = await resolveSigner(hre, args.from);
    const outcome = await ensureDeployed(hre.network.name, signer, args);
    const { file } = await generateModule(hre);
    say(`Regenerated ${file}.`);
    return outcome;
  });

task(
  "ehr:codegen",
  "Regenerates deployments/contracts.ts (ABIs and every deployment) for the web and the API",
).setAction(async (_args, hre) => {
  const { file, records } = await generateModule(hre);
  const list = records.map((r) => `${r.network} (chain id ${r.chainId})`).join(", ");
  say(`Wrote ${file} with the ABIs and ${records.length === 0 ? "no deployments" : `the deployments on ${list}`}.`);
  return { file, records };
});

task("ehr:link-book", "Links the recorded AppointmentBook to the core (needed once when the admin is not the deployer)")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { from?: string }, hre) => {
    const system = await systemFor(hre, args.from, { admin: true });
    const linked = await system.core.appointmentBook();
    const book = system.record.appointmentBook.address;
    if (getAddress(linked) === getAddress(book)) {
      say(`The appointment book ${book} is already linked.`);
      return { linked: false };
    }
    await send(system, "link the appointment book", system.core.setAppointmentBook, book);
    say(`Linked the appointment book ${book} to the EhrCore at ${system.record.core.address}.`);
    return { linked: true };
  });
