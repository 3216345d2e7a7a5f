import { task } from "hardhat/config";
import { ethers } from "ethers";
import { fail, say, send, systemFor } from "./common";
import { DEMO, OFFICE_HOURS } from "../scripts/lib/demo";

task("ehr:seed-demo", "Onboards a demo hospital and two doctors with office hours, once (local chains only)")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { from?: string }, hre) => {
    const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
    if (chainId !== 31337) fail(`ehr:seed-demo only runs on a local chain (chain id 31337), not chain id ${chainId}.`);
    const system = await systemFor(hre, args.from, { admin: true });
    if ((await system.core.hospitalCount()) > 0n) {
      say("Demo data: hospitals already exist; nothing to seed.");
      return { seeded: false };
    }
    const signers = await hre.ethers.getSigners();
    const hospital = signers[DEMO.hospital.account];
    await send(system, "add the demo hospital", system.core.addHospital, hospital.address, DEMO.hospital.name);
    for (const d of DEMO.doctors) {
      const doctor = signers[d.account];
      const licenceHash = ethers.keccak256(ethers.toUtf8Bytes(d.licence));
      await send(
        system,
        `onboard ${d.name}`,
        system.core.onboardDoctor,
        doctor.address,
        1,
        d.specialty,
        licenceHash,
        d.name,
        d.profile,
      );
      const asDoctor = { ...system, book: system.book.connect(doctor) };
      await send(asDoctor, `publish ${d.name}'s office hours`, asDoctor.book.setWeeklyAvailability, OFFICE_HOURS);
    }
    say(
      `Demo data: ${DEMO.hospital.name} (${hospital.address}) with ${DEMO.doctors.length} doctors, Mon-Fri 09:00-17:00 UTC.`,
    );
    return { seeded: true };
  });
