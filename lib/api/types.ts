/** The storage service's answers (offchain-api/README.md), as the client returns them. */
import type { AccountRole } from "../chain/ehr";
import type { RecordPart } from "../crypto/identity";
import type { Address, Hex } from "viem";
import type { ClinicalSummary } from "../summary/types";

/** `POST /v1/auth/session`. */
export interface SignedIn {
  address: Address;
  /** ISO 8601. */
  expiresAt: string;
}

/** `GET /v1/auth/session`: the role is read from the chain on each call. */
export interface SessionInfo extends SignedIn {
  role: AccountRole;
}

/** `GET /v1/custodian`. */
export interface CustodianInfo {
  publicKey: Hex;
  /** Whether the chain holds this key (otherwise emergency reads cannot be re-wrapped). */
  published: boolean;
}

/** One refused read: a key release or a blob download (`GET /v1/audit/refusals`). */
export interface Refusal {
  /** ISO 8601: the latest time (repeats of the same refusal on one UTC day are one entry). */
  at: string;
  /** ISO 8601: the first time that day. */
  firstAt?: string;
  /** How many times it was refused that day. @default 1 */
  count?: number;
  reader: Address;
  patient: Address;
  /** For a refused key release. */
  recordIndex?: number;
  /** For a refused download. */
  cid?: string;
  part?: RecordPart;
  /** The plain sentence the reader was given. */
  reason: string;
}

export interface RefusalPage {
  /** Newest first. */
  refusals: Refusal[];
  total: number;
}

/** `POST /v1/summaries`. Nothing is stored by the service. */
export interface SummaryResult {
  summary: ClinicalSummary;
  narrative: { engine: string; text: string } | null;
  narrativeStatus: "ok" | "no-model" | "failed";
  source: "text" | "pdf" | "fhir";
}

/** Content types `POST /v1/summaries` accepts. */
export type SummaryContentType = "text/plain" | "application/pdf" | "application/fhir+json";
