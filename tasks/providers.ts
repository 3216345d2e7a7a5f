import { task, types } from "hardhat/config";
import { id } from "ethers";
import { fail, parseAddress, parseInteger, read, say, send, systemFor, type EhrSystem } from "./common";

/** Mirrors IProviderRegistry.DoctorStatus. */
const DOCTOR_ACTIVE = 1n;
const UINT16_MAX = 65535;
const UINT32_MAX = 4294967295;
/** Doctors are read this many at a time. */
const PAGE = 100;

/** The keccak256 of a licence id's UTF-8, trimmed: what the chain keeps instead of the id. */
export function licenceHash(licence: string): string {
  const trimmed = licence.trim();
  if (trimmed === "") fail("--licence cannot be empty.");
  return id(trimmed);
}

async function hospitalLabel(system: EhrSystem, hospitalId: number): Promise<string> {
  const h = await read(system, `hospital ${hospitalId}`, () => system.core.hospital(hospitalId));
  return `hospital ${hospitalId} "${h.name}"`;
}

task("ehr:add-hospital", "Adds a hospital run from an operator account")
  .addParam("account", "The hospital's operator account")
  .addParam("name", "The hospital's name")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { account: string; name: string; from?: string }, hre) => {
    const account = parseAddress(args.account, "--account");
    const name = args.name.trim();
    if (name === "") fail("--name cannot be empty.");
    const system = await systemFor(hre, args.from, { admin: true });
    await send(system, "add the hospital", system.core.addHospital, account, name);
    const hospitalId = Number(await system.core.hospitalIdOf(account));
    say(`Added hospital ${hospitalId} "${name}", operated by ${account}.`);
    return { hospitalId };
  });

task("ehr:onboard-doctor", "Onboards a doctor at an active hospital (the licence id is stored only as a hash)")
  .addParam("account", "The doctor's account")
  .addParam("hospital", "The hospital id", undefined, types.int)
  .addParam("specialty", "The specialty code (0 to 65535)", undefined, types.int)
  .addParam("licence", "The licence id; only its keccak256 goes on-chain")
  .addParam("name", "The doctor's public name")
  .addOptionalParam("profile", "A pointer to the public profile (e.g. ipfs://...)", "")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(
    async (
      args: {
        account: string;
        hospital: number;
        specialty: number;
        licence: string;
        name: string;
        profile: string;
        from?: string;
      },
      hre,
    ) => {
      const account = parseAddress(args.account, "--account");
      const hospitalId = parseInteger(args.hospital, "--hospital", 1, UINT32_MAX);
      const specialty = parseInteger(args.specialty, "--specialty", 0, UINT16_MAX);
      const hash = licenceHash(args.licence);
      const name = args.name.trim();
      if (name === "") fail("--name cannot be empty.");
      const system = await systemFor(hre, args.from, { admin: true });
      await send(
        system,
        "onboard the doctor",
        system.core.onboardDoctor,
        account,
        hospitalId,
        specialty,
        hash,
        name,
        args.profile.trim(),
      );
      say(
        `Onboarded ${name} (${account}) at ${await hospitalLabel(system, hospitalId)} with specialty ${specialty}; ` +
          `licence hash ${hash}.`,
      );
      return { account, licenceHash: hash };
    },
  );

task("ehr:suspend-doctor", "Suspends a doctor: every grant, emergency window and appointment of theirs stops working")
  .addParam("account", "The doctor's account")
  .addOptionalParam("reason", "A reason code (0 to 65535)", 0, types.int)
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { account: string; reason: number; from?: string }, hre) => {
    const account = parseAddress(args.account, "--account");
    const reason = parseInteger(args.reason, "--reason", 0, UINT16_MAX);
    const system = await systemFor(hre, args.from, { admin: true });
    await send(system, "suspend the doctor", system.core.suspendDoctor, account, reason);
    say(`Suspended doctor ${account} (reason code ${reason}); their access has ended.`);
    return { account };
  });

task("ehr:reinstate-doctor", "Reinstates a suspended doctor; unexpired grants apply again")
  .addParam("account", "The doctor's account")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { account: string; from?: string }, hre) => {
    const account = parseAddress(args.account, "--account");
    const system = await systemFor(hre, args.from, { admin: true });
    await send(system, "reinstate the doctor", system.core.reinstateDoctor, account);
    say(`Reinstated doctor ${account}; their unexpired grants apply again.`);
    return { account };
  });

task("ehr:set-hospital-active", "Suspends (and suspends all its active doctors) or reactivates a hospital")
  .addParam("id", "The hospital id", undefined, types.int)
  .addParam("active", "true to reactivate, false to suspend", undefined, types.boolean)
  .addOptionalParam("reason", "The reason code for the doctors' suspension (0 to 65535)", 0, types.int)
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { id: number; active: boolean; reason: number; from?: string }, hre) => {
    const hospitalId = parseInteger(args.id, "--id", 1, UINT32_MAX);
    const reason = parseInteger(args.reason, "--reason", 0, UINT16_MAX);
    const system = await systemFor(hre, args.from, { admin: true });
    const { core } = system;
    const hospital = await read(system, `hospital ${hospitalId}`, () => core.hospital(hospitalId));
    const label = `Hospital ${hospitalId} "${hospital.name}"`;

    if (hospital.active === args.active) {
      say(`${label} is already ${args.active ? "active" : "suspended"}.`);
    } else {
      await send(
        system,
        `${args.active ? "reactivate" : "suspend"} the hospital`,
        core.setHospitalActive,
        hospitalId,
        args.active,
      );
    }

    // The hospital's doctors, in pages (the list can be long on a real network).
    const doctors: { account: string; name: string; active: boolean }[] = [];
    const total = Number(await core.doctorCount());
    for (let offset = 0; offset < total; offset += PAGE) {
      for (const d of await core.doctorsPage(offset, PAGE)) {
        if (Number(d.hospitalId) === hospitalId) {
          doctors.push({ account: d.account, name: d.name, active: d.status === DOCTOR_ACTIVE });
        }
      }
    }

    if (args.active) {
      const suspended = doctors.filter((d) => !d.active);
      if (hospital.active !== args.active) say(`${label} is active again.`);
      if (suspended.length > 0) {
        say(
          `Its ${suspended.length} suspended doctor(s) stay suspended; reinstate each with ehr:reinstate-doctor: ` +
            suspended.map((d) => `${d.name} (${d.account})`).join(", ") +
            ".",
        );
      }
      return { hospitalId, active: true, suspendedDoctors: [] as string[] };
    }

    // A rerun after an interruption picks up the doctors still active.
    const suspendedDoctors: string[] = [];
    for (const d of doctors.filter((d) => d.active)) {
      await send(system, `suspend doctor ${d.account}`, core.suspendDoctor, d.account, reason);
      say(`Suspended ${d.name} (${d.account}).`);
      suspendedDoctors.push(d.account);
    }
    say(
      `${label} is suspended, and so are all its doctors ` +
        `(${suspendedDoctors.length} suspended now, reason code ${reason}).`,
    );
    return { hospitalId, active: false, suspendedDoctors };
  });
