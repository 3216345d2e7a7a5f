/** The demo data a first `npm start` seeds on the local chain (task `ehr:seed-demo`). */

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
