import { task, types } from "hardhat/config";
import { getAddress, ZeroAddress } from "ethers";
import { describePolicy, isoTime, parseInteger, queryAll, say, send, systemFor } from "./common";

const PAGE = 100;

export interface SystemStatus {
  network: string;
  chainId: number;
  core: string;
  appointmentBook: string;
  bookLinked: boolean;
  deployBlock: number;
  paused: boolean;
  admin: string;
  pendingAdmin?: { account: string; acceptFrom: number };
  policy: { maxGrantDuration: number; emergencyWindow: number; requireHospitalApproval: boolean };
  /** The admin-set break-glass policy: openings per doctor per UTC day, cool-down in seconds. */
  emergencyPolicy: { dailyLimit: number; cooldown: number };
  counts: { hospitals: number; doctors: number; emergencies: number; unreviewedEmergencies: number };
  hospitals: { id: number; account: string; name: string; active: boolean; addedAt: number }[];
}

task("ehr:pause", "Pauses the system: writes stop; revocations, denials, opt-outs, suspensions and reads keep working")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { from?: string }, hre) => {
    const system = await systemFor(hre, args.from, { admin: true });
    if (await system.core.paused()) {
      say("The system is already paused.");
      return { changed: false };
    }
    await send(system, "pause the system", system.core.pause);
    say("The system is paused: no grants, records, emergencies, bookings or access logs until ehr:unpause.");
    return { changed: true };
  });

task("ehr:unpause", "Ends a pause")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { from?: string }, hre) => {
    const system = await systemFor(hre, args.from, { admin: true });
    if (!(await system.core.paused())) {
      say("The system is not paused.");
      return { changed: false };
    }
    await send(system, "unpause the system", system.core.unpause);
    say("The system is running again.");
    return { changed: true };
  });

export interface EmergencyPolicyArgs {
  dailyLimit?: number;
  cooldownHours?: number;
  from?: string;
}

/** The break-glass policy as one sentence. */
function describeEmergencyPolicy(dailyLimit: number, cooldown: number): string {
  const limit =
    dailyLimit === 0
      ? "break-glass is OFF (a daily limit of 0)"
      : `each doctor may open ${dailyLimit} emergency access(es) per UTC day`;
  const hours = cooldown / 3600;
  const again =
    cooldown === 0
      ? "re-opening on the same patient needs no second reason"
      : `re-opening on the same patient within ${hours} hour(s) of the previous opening needs a second, different justification`;
  return `${limit}; ${again}`;
}

task("ehr:emergency-policy", "Shows the break-glass policy, or with --daily-limit and/or --cooldown-hours sets it")
  .addOptionalParam(
    "dailyLimit",
    "Openings allowed per doctor per UTC day, 0 to 65535; 0 turns break-glass off",
    undefined,
    types.int,
  )
  .addOptionalParam(
    "cooldownHours",
    "Hours after an opening during which re-opening needs a second reason; 0 for never",
    undefined,
    types.int,
  )
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: EmergencyPolicyArgs, hre) => {
    const setting = args.dailyLimit !== undefined || args.cooldownHours !== undefined;
    const system = await systemFor(hre, args.from, { admin: setting });
    // Checked before anything is sent, so a typo says which option is wrong and changes nothing.
    const maxHours = Number(await system.core.MAX_EMERGENCY_COOLDOWN()) / 3600;
    const dailyLimit =
      args.dailyLimit === undefined ? undefined : parseInteger(args.dailyLimit, "--daily-limit", 0, 0xffff);
    const cooldownHours =
      args.cooldownHours === undefined ? undefined : parseInteger(args.cooldownHours, "--cooldown-hours", 0, maxHours);
    const current = await system.core.emergencyPolicy();
    const next = {
      dailyLimit: dailyLimit ?? Number(current.dailyLimit),
      cooldown: cooldownHours === undefined ? Number(current.cooldown) : cooldownHours * 3600,
    };
    if (!setting || (next.dailyLimit === Number(current.dailyLimit) && next.cooldown === Number(current.cooldown))) {
      if (setting) say("The break-glass policy is already set this way.");
      say(`Break-glass policy: ${describeEmergencyPolicy(Number(current.dailyLimit), Number(current.cooldown))}.`);
      return { changed: false, ...next };
    }
    await send(system, "set the break-glass policy", system.core.setEmergencyPolicy, next.dailyLimit, next.cooldown);
    say(`Break-glass policy set: ${describeEmergencyPolicy(next.dailyLimit, next.cooldown)}.`);
    return { changed: true, ...next };
  });

task("ehr:status", "Shows the deployment, the admin, the policy, counts and hospitals")
  .addOptionalParam("from", "The account to read with (default: the first account)")
  .setAction(async (args: { from?: string }, hre): Promise<SystemStatus> => {
    const system = await systemFor(hre, args.from, { admin: false });
    const { core, record, provider } = system;
    const latest = await provider.getBlockNumber();
    const [
      paused,
      admin,
      pending,
      policy,
      emergencyPolicy,
      hospitalCount,
      doctorCount,
      emergencyCount,
      linkedBook,
      reviews,
    ] = await Promise.all([
      core.paused(),
      core.defaultAdmin(),
      core.pendingDefaultAdmin(),
      core.policy(),
      core.emergencyPolicy(),
      core.hospitalCount(),
      core.doctorCount(),
      core.emergencyCount(),
      core.appointmentBook(),
      queryAll(
        (from, to) => core.queryFilter(core.filters.EmergencyAccessReviewed(), from, to),
        record.deployBlock,
        latest,
      ),
    ]);
    const hospitals: SystemStatus["hospitals"] = [];
    for (let offset = 0; offset < Number(hospitalCount); offset += PAGE) {
      for (const h of await core.hospitalsPage(offset, PAGE)) {
        hospitals.push({
          id: hospitals.length + 1,
          account: getAddress(h.account),
          name: h.name,
          active: h.active,
          addedAt: Number(h.addedAt),
        });
      }
    }
    const status: SystemStatus = {
      network: system.network,
      chainId: system.chainId,
      core: record.core.address,
      appointmentBook: record.appointmentBook.address,
      bookLinked: linkedBook !== ZeroAddress && getAddress(linkedBook) === getAddress(record.appointmentBook.address),
      deployBlock: record.deployBlock,
      paused,
      admin: getAddress(admin),
      ...(pending.newAdmin !== ZeroAddress && {
        pendingAdmin: { account: getAddress(pending.newAdmin), acceptFrom: Number(pending.schedule) },
      }),
      policy: {
        maxGrantDuration: Number(policy.maxGrantDuration),
        emergencyWindow: Number(policy.emergencyWindow),
        requireHospitalApproval: policy.requireHospitalApproval,
      },
      emergencyPolicy: { dailyLimit: Number(emergencyPolicy.dailyLimit), cooldown: Number(emergencyPolicy.cooldown) },
      counts: {
        hospitals: Number(hospitalCount),
        doctors: Number(doctorCount),
        emergencies: Number(emergencyCount),
        unreviewedEmergencies: Number(emergencyCount) - new Set(reviews.map((e) => e.args.id)).size,
      },
      hospitals,
    };

    say(`Network ${status.network} (chain id ${status.chainId}), deployed at block ${status.deployBlock}.`);
    say(`EhrCore: ${status.core}.`);
    say(
      `AppointmentBook: ${status.appointmentBook}` +
        (status.bookLinked ? "." : ` (NOT linked: the admin must run ehr:link-book).`),
    );
    say(status.paused ? "The system is PAUSED." : "The system is running.");
    say(
      `Admin: ${status.admin}` +
        (status.pendingAdmin
          ? `; pending admin ${status.pendingAdmin.account} may accept from ${isoTime(status.pendingAdmin.acceptFrom)}.`
          : "; no admin handover pending."),
    );
    say(`Policy: ${describePolicy(status.policy)}.`);
    say(
      `Break-glass policy: ${describeEmergencyPolicy(status.emergencyPolicy.dailyLimit, status.emergencyPolicy.cooldown)}.`,
    );
    const c = status.counts;
    say(
      `${c.hospitals} hospital(s), ${c.doctors} doctor(s), ${c.emergencies} emergency access(es), ` +
        `${c.unreviewedEmergencies} not reviewed.`,
    );
    for (const h of status.hospitals) {
      say(
        `Hospital ${h.id} "${h.name}": operated by ${h.account}, ${h.active ? "active" : "SUSPENDED"}, ` +
          `added ${isoTime(h.addedAt)}.`,
      );
    }
    return status;
  });
