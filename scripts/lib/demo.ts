/** The demo data a first `npm start` seeds on the local chain (task `ehr:seed-demo`). */
import { keccak256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import type { AppointmentBook, EhrCore } from "../../typechain-types";

/** Monday to Friday, 09:00 to 17:00 UTC: bits 18..33 of each weekday's 48 half-hour slots. */
export const OFFICE_HOURS = (() => {
  let day = 0n;
  for (let slot = 18; slot < 34; slot++) day |= 1n << BigInt(slot);
  return [day, day, day, day, day, 0n, 0n] as [bigint, bigint, bigint, bigint, bigint, bigint, bigint];
})();

/** The demo hospital and doctors that a first `npm start` onboards, on local accounts #1 to #3. */
export const DEMO = {
  hospital: { account: 1, name: "Demo General Hospital" },
  doctors: [
    { account: 2, name: "Dr Grace Okafor", specialty: 1, licence: "DEMO-CARD-0001", profile: "" },
    { account: 3, name: "Dr Tomas Lindqvist", specialty: 2, licence: "DEMO-GP-0002", profile: "" },
  ],
} as const;

/** A write with its arguments bound: sent by calling it, simulated by `staticCall()` (tasks/common.ts `send`). */
export interface BoundWrite {
  (): Promise<ContractTransactionResponse>;
  staticCall(): Promise<unknown>;
}

/** One write of the demo seed: what it does (for logs) and the bound call. */
export interface DemoStep {
  what: string;
  method: BoundWrite;
}

type LooseMethod = {
  (...args: unknown[]): Promise<ContractTransactionResponse>;
  staticCall(...args: unknown[]): Promise<unknown>;
};

/** Binds a typechain method to its arguments. */
function bind(method: unknown, ...args: unknown[]): BoundWrite {
  const m = method as LooseMethod;
  return Object.assign(() => m(...args), { staticCall: () => m.staticCall(...args) });
}

/**
 * The writes that seed the demo: the hospital, then each doctor onboarded by `core` (the admin's)
 * and publishing office hours through `bookAs(doctorAddress)`. The `ehr:seed-demo` task sends them
 * with its checked `send`; the browser tests' stack sends them directly.
 */
export function demoSteps(
  core: EhrCore,
  bookAs: (doctor: string) => AppointmentBook,
  accounts: { hospital: string; doctors: readonly string[] },
): DemoStep[] {
  const steps: DemoStep[] = [
    { what: "add the demo hospital", method: bind(core.addHospital, accounts.hospital, DEMO.hospital.name) },
  ];
  DEMO.doctors.forEach((d, i) => {
    const doctor = accounts.doctors[i];
    const licenceHash = keccak256(toUtf8Bytes(d.licence));
    steps.push(
      {
        what: `onboard ${d.name}`,
        method: bind(core.onboardDoctor, doctor, 1, d.specialty, licenceHash, d.name, d.profile),
      },
      {
        what: `publish ${d.name}'s office hours`,
        method: bind(bookAs(doctor).setWeeklyAvailability, OFFICE_HOURS),
      },
    );
  });
  return steps;
}
