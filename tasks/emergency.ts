import { task, types } from "hardhat/config";
import { getAddress, id, ZeroHash } from "ethers";
import { fail, isoTime, parseInteger, queryAll, say, send, systemFor, type EhrSystem } from "./common";

export interface EmergencyEntry {
  id: number;
  patient: string;
  doctor: string;
  reasonCode: number;
  justificationHash: string;
  /** Unix seconds. */
  openedAt: number;
  /** Unix seconds. */
  expiresAt: number;
  open: boolean;
  /** Opened within the cool-down of the same doctor's previous opening on the patient: a second reason. */
  reopening: boolean;
  reviewed: boolean;
  /** Set once reviewed. */
  review?: { justified: boolean; notesHash: string; reviewer: string };
}

/** A doctor at or above {@link NEAR_LIMIT_SHARE} of today's break-glass limit. */
export interface DoctorNearLimit {
  doctor: string;
  openedToday: number;
  dailyLimit: number;
}

/** The share of the daily limit from which the review lists a doctor: 4 of the default 5. */
export const NEAR_LIMIT_SHARE = 0.8;

/** Every emergency access opened since the deployment, unreviewed first, then by id. */
export async function listEmergencies(system: EhrSystem): Promise<EmergencyEntry[]> {
  const { core, provider, record } = system;
  const latest = await provider.getBlock("latest");
  if (!latest) fail("Could not read the latest block.");
  const [{ emergencyWindow }, { cooldown }] = await Promise.all([core.policy(), core.emergencyPolicy()]);
  const [opened, reviewed] = await Promise.all([
    queryAll(
      (from, to) => core.queryFilter(core.filters.EmergencyAccessOpened(), from, to),
      record.deployBlock,
      latest.number,
    ),
    queryAll(
      (from, to) => core.queryFilter(core.filters.EmergencyAccessReviewed(), from, to),
      record.deployBlock,
      latest.number,
    ),
  ]);
  const reviews = new Map(
    reviewed.map((e) => [
      Number(e.args.id),
      { justified: e.args.justified, notesHash: e.args.notesHash, reviewer: getAddress(e.args.reviewer) },
    ]),
  );
  // Events come in id order, so each opening's previous one by the same doctor on the same patient is known.
  const previousOpening = new Map<string, number>();
  const entries = opened.map((e): EmergencyEntry => {
    const entryId = Number(e.args.id);
    const expiresAt = Number(e.args.expiresAt);
    const review = reviews.get(entryId);
    // The window is the policy's fixed length, so the opening time needs no block lookup.
    const openedAt = expiresAt - Number(emergencyWindow);
    const pair = `${e.args.patient}/${e.args.doctor}`;
    const previous = previousOpening.get(pair);
    previousOpening.set(pair, openedAt);
    return {
      id: entryId,
      patient: getAddress(e.args.patient),
      doctor: getAddress(e.args.doctor),
      reasonCode: Number(e.args.reasonCode),
      justificationHash: e.args.justificationHash,
      openedAt,
      expiresAt,
      open: expiresAt > latest.timestamp,
      // Judged by today's cool-down: the review asks why a doctor came back, whatever the policy then.
      reopening: previous !== undefined && openedAt < previous + Number(cooldown),
      reviewed: review !== undefined,
      ...(review && { review }),
    };
  });
  return entries.sort((a, b) => Number(a.reviewed) - Number(b.reviewed) || a.id - b.id);
}

/**
 * The doctors who opened at least {@link NEAR_LIMIT_SHARE} of the daily limit today (UTC day of the
 * latest block), most openings first: the doctors to look at before they are refused. Only doctors
 * seen in `entries` today can have a count, so no doctor list is walked.
 */
export async function doctorsNearLimit(system: EhrSystem, entries: EmergencyEntry[]): Promise<DoctorNearLimit[]> {
  const latest = await system.provider.getBlock("latest");
  if (!latest) fail("Could not read the latest block.");
  const dayStart = latest.timestamp - (latest.timestamp % 86400);
  const dailyLimit = Number((await system.core.emergencyPolicy()).dailyLimit);
  if (dailyLimit === 0) return [];
  const doctorsToday = [...new Set(entries.filter((e) => e.openedAt >= dayStart).map((e) => e.doctor))];
  const counts = await Promise.all(doctorsToday.map((d) => system.core.emergencyOpeningsToday(d)));
  return doctorsToday
    .map((doctor, i) => ({ doctor, openedToday: Number(counts[i]), dailyLimit }))
    .filter((d) => d.openedToday >= Math.ceil(dailyLimit * NEAR_LIMIT_SHARE))
    .sort((a, b) => b.openedToday - a.openedToday || a.doctor.localeCompare(b.doctor));
}

export function describeEmergency(e: EmergencyEntry): string {
  const state = e.open ? "open" : "expired";
  const review = e.review
    ? `reviewed by ${e.review.reviewer}: ${e.review.justified ? "justified" : "NOT justified"}` +
      (e.review.notesHash === ZeroHash ? "" : ` (notes hash ${e.review.notesHash})`)
    : "NOT reviewed";
  return (
    `Emergency #${e.id}: doctor ${e.doctor} opened access to patient ${e.patient} for reason code ${e.reasonCode} ` +
    `at ${isoTime(e.openedAt)} until ${isoTime(e.expiresAt)} (${state}` +
    `${e.reopening ? ", re-opened within the cool-down with a second reason" : ""}); ${review}.`
  );
}

task(
  "ehr:emergency-review",
  "Lists every emergency access (unreviewed first) and the doctors near today's limit, or with --id marks one reviewed",
)
  .addOptionalParam("id", "The emergency access to mark reviewed", undefined, types.int)
  .addOptionalParam("justified", "With --id: true or false", undefined, types.boolean)
  .addOptionalParam("notes", "With --id: review notes; only their keccak256 goes on-chain")
  .addOptionalParam("from", "The admin account (default: the first account)")
  .setAction(async (args: { id?: number; justified?: boolean; notes?: string; from?: string }, hre) => {
    if (args.id === undefined) {
      if (args.justified !== undefined || args.notes !== undefined) fail("--justified and --notes need --id.");
      const system = await systemFor(hre, args.from, { admin: false });
      const entries = await listEmergencies(system);
      const unreviewed = entries.filter((e) => !e.reviewed).length;
      say(
        entries.length === 0
          ? `No emergency access has been opened since block ${system.record.deployBlock}.`
          : `${entries.length} emergency access(es) since block ${system.record.deployBlock}, ${unreviewed} not reviewed:`,
      );
      for (const e of entries) say(describeEmergency(e));
      const nearLimit = await doctorsNearLimit(system, entries);
      for (const d of nearLimit) {
        say(`Doctor ${d.doctor} has opened ${d.openedToday} of today's ${d.dailyLimit} emergency accesses (UTC day).`);
      }
      return { entries, nearLimit };
    }

    const emergencyId = parseInteger(args.id, "--id", 1, Number.MAX_SAFE_INTEGER);
    if (args.justified === undefined) fail("Pass --justified true or --justified false with --id.");
    const notesHash = args.notes === undefined || args.notes.trim() === "" ? ZeroHash : id(args.notes);
    const system = await systemFor(hre, args.from, { admin: true });
    await send(
      system,
      `mark emergency #${emergencyId} reviewed`,
      system.core.reviewEmergencyAccess,
      emergencyId,
      args.justified,
      notesHash,
    );
    say(
      `Marked emergency #${emergencyId} reviewed: ${args.justified ? "justified" : "NOT justified"}` +
        (notesHash === ZeroHash ? ", without notes." : `; notes hash ${notesHash} (the notes stay with you).`),
    );
    return { id: emergencyId, justified: args.justified, notesHash };
  });
