import { task } from "hardhat/config";
import { getAddress, ZeroAddress } from "ethers";
import { describePolicy, isoTime, queryAll, say, send, systemFor } from "./common";

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

task("ehr:status", "Shows the deployment, the admin, the policy, counts and hospitals")
  .addOptionalParam("from", "The account to read with (default: the first account)")
  .setAction(async (args: { from?: string }, hre): Promise<SystemStatus> => {
    const system = await systemFor(hre, args.from, { admin: false });
    const { core, record, provider } = system;
    const latest = await provider.getBlockNumber();
    const [paused, admin, pending, policy, hospitalCount, doctorCount, emergencyCount, linkedBook, reviews] =
      await Promise.all([
        core.paused(),
        core.defaultAdmin(),
        core.pendingDefaultAdmin(),
        core.policy(),
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
