/**
 * Allergy and medication details read from FHIR R4 resources: the substance, reaction and
 * severity of an AllergyIntolerance; the name, dose and frequency of a MedicationStatement or
 * MedicationRequest. The summary of a FHIR record (forms, imported Bundles, confirmed reviews)
 * carries them, so the reconciled list shows reaction and severity whatever the source.
 */
import type { AllergyDetail, AllergySeverity, MedicationDetail } from "../summary/types";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const SEVERITIES: readonly AllergySeverity[] = ["mild", "moderate", "severe"];

/** A CodeableConcept in words: its text, else the first coding's display. */
export function conceptWords(concept: unknown): string | null {
  if (!isObject(concept)) return null;
  const text = str(concept.text);
  if (text) return text;
  for (const coding of list(concept.coding)) if (isObject(coding) && str(coding.display)) return str(coding.display);
  return null;
}

/** The most severe of the reactions' severities; criticality "high" counts as severe. */
function severityOf(r: Json): AllergySeverity | null {
  let rank = -1;
  for (const reaction of list(r.reaction)) {
    if (isObject(reaction)) rank = Math.max(rank, SEVERITIES.indexOf(reaction.severity as AllergySeverity));
  }
  if (r.criticality === "high") rank = 2;
  return rank >= 0 ? SEVERITIES[rank] : null;
}

/** An AllergyIntolerance's substance, reaction (manifestations joined) and severity; null without a substance. */
export function allergyDetailOf(r: unknown): AllergyDetail | null {
  if (!isObject(r)) return null;
  const substance = conceptWords(r.code);
  if (!substance) return null;
  const manifestations = list(r.reaction).flatMap((reaction) =>
    isObject(reaction) ? list(reaction.manifestation).map(conceptWords) : [],
  );
  const reaction = [...new Set(manifestations.filter((m): m is string => m !== null))].join(", ") || null;
  return { substance, reaction, severity: severityOf(r) };
}

function doseOf(dosage: Json): string | null {
  for (const dr of list(dosage.doseAndRate)) {
    const q = isObject(dr) ? dr.doseQuantity : undefined;
    if (isObject(q) && typeof q.value === "number")
      return [q.value, str(q.unit) ?? str(q.code)].filter(Boolean).join(" ");
  }
  return null;
}

function frequencyOf(dosage: Json): string | null {
  const timing = dosage.timing;
  if (!isObject(timing)) return null;
  const named = conceptWords(timing.code);
  if (named) return named;
  const repeat = timing.repeat;
  if (!isObject(repeat) || typeof repeat.frequency !== "number") return null;
  const per =
    repeat.period === 1 && repeat.periodUnit === "d"
      ? "a day"
      : `per ${repeat.period ?? 1} ${repeat.periodUnit ?? "d"}`;
  return repeat.frequency === 1 ? `once ${per}` : `${repeat.frequency} times ${per}`;
}

/** A MedicationStatement's or MedicationRequest's drug, dose and frequency; null without a drug name. */
export function medicationDetailOf(r: unknown): MedicationDetail | null {
  if (!isObject(r)) return null;
  const ref = r.medicationReference;
  const name = conceptWords(r.medicationCodeableConcept) ?? (isObject(ref) ? str(ref.display) : null);
  if (!name) return null;
  const dosage = [...list(r.dosage), ...list(r.dosageInstruction)].find(isObject);
  if (!dosage) return { name, dose: null, frequency: null };
  const frequency = frequencyOf(dosage);
  // A dose that is not a plain quantity ("1-2 puffs") lives only in the text, before the frequency.
  const text = str(dosage.text);
  const rest = text && frequency && text.endsWith(frequency) ? text.slice(0, -frequency.length).trim() : text;
  return { name, dose: doseOf(dosage) ?? (rest || null), frequency };
}
