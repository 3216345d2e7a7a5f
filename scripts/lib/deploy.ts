import type { Signer } from "ethers";
import { AppointmentBook__factory, EhrCore__factory } from "../../typechain-types";
import type { AppointmentBook, EhrCore } from "../../typechain-types";

/** Deploy-time policy of the core contract. */
export interface PolicyOptions {
  /** Longest consent a patient can give, in seconds. @default 365 days */
  maxGrantDuration: number;
  /** Length of a break-glass window, in seconds (at most 24 h). @default 4 hours */
  emergencyWindow: number;
  /** Whether a hospital must approve each patient registration. @default false */
  requireHospitalApproval: boolean;
}

export interface DeployOptions {
  /** The admin (consortium operator) address. @default the deployer */
  admin?: string;
  /** Seconds a new admin must wait before accepting a handover. @default 2 days */
  adminTransferDelay?: number;
  policy?: Partial<PolicyOptions>;
}

export const DEFAULT_POLICY: PolicyOptions = {
  maxGrantDuration: 365 * 24 * 3600,
  emergencyWindow: 4 * 3600,
  requireHospitalApproval: false,
};

export const DEFAULT_ADMIN_TRANSFER_DELAY = 2 * 24 * 3600;

export interface DeployedSystem {
  core: EhrCore;
  book: AppointmentBook;
  /** The block of the core's deployment: where event scans start. */
  deployBlock: number;
}

/**
 * Deploys the core and the appointment book and links them. The one deploy path: the
 * `ehr:deploy` task, the test fixtures and the benchmarks all call this.
 */
export async function deploySystem(deployer: Signer, options: DeployOptions = {}): Promise<DeployedSystem> {
  const admin = options.admin ?? (await deployer.getAddress());
  const policy = { ...DEFAULT_POLICY, ...options.policy };
  const core = await new EhrCore__factory(deployer).deploy(
    admin,
    options.adminTransferDelay ?? DEFAULT_ADMIN_TRANSFER_DELAY,
    policy,
  );
  const receipt = await core.deploymentTransaction()!.wait();
  const book = await new AppointmentBook__factory(deployer).deploy(await core.getAddress());
  await book.waitForDeployment();
  // Linking is the admin's act; when the deployer is not the admin, the admin links later.
  if (admin.toLowerCase() === (await deployer.getAddress()).toLowerCase()) {
    await (await core.setAppointmentBook(await book.getAddress())).wait();
  }
  return { core, book, deployBlock: receipt!.blockNumber };
}
