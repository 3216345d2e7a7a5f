import { task } from "hardhat/config";
import { fail, say, send, systemFor } from "./common";
import { DEMO, demoSteps } from "../scripts/lib/demo";

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
    const doctors = DEMO.doctors.map((d) => signers[d.account]);
    const steps = demoSteps(system.core, (doctor) => system.book.connect(doctors.find((s) => s.address === doctor)!), {
      hospital: hospital.address,
      doctors: doctors.map((s) => s.address),
    });
    for (const step of steps) await send(system, step.what, step.method);
    say(
      `Demo data: ${DEMO.hospital.name} (${hospital.address}) with ${DEMO.doctors.length} doctors, Mon-Fri 09:00-17:00 UTC.`,
    );
    return { seeded: true };
  });
