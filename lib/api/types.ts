/**
 * The storage service's answers as the client returns them. Each is derived (`z.infer`) from its
 * wire schema in ./wire/, the one definition the client and the service's routes share.
 */
export type { RefusalPage, Refusal } from "./wire/audit";
export type { CustodianInfo } from "./wire/custodian";
export type { SessionInfo, SignedIn } from "./wire/sessions";
export type { SummaryContentType, SummaryResult } from "./wire/summaries";
