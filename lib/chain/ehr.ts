/**
 * The EhrCore actions, one per file as viem's `src/actions` reads; this module gathers them for
 * the callers that want several.
 */
export { toChainError } from "./toChainError";
export type { WriteStage } from "./writeContract";
export { RecordFlags, type ChainRecord } from "./chainRecord";
export { ACCESS_BASES, accessBasisOf, type AccessBasisName } from "./accessBasisOf";
export { recordCount } from "./recordCount";
export { readChainRecord } from "./readChainRecord";
export { readRecordPage } from "./readRecordPage";
export { encryptionKeyOf } from "./encryptionKeyOf";
export { custodianKey } from "./custodianKey";
export { isActiveDoctor, isRegisteredPatient, roleOf, type AccountRole } from "./roleOf";
export { emergencyOptedOut } from "./emergencyOptedOut";
export { isAuthorized } from "./isAuthorized";
export { hasEmergencyAccess } from "./hasEmergencyAccess";
export { writeCore } from "./writeCore";
export { coreEvents } from "./coreEvents";
