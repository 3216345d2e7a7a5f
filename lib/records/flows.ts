/**
 * The record flows: functions over a wallet (viem WalletClient), the chain (PublicClient + the
 * EhrCore address), a BlobStore and a KeyVault. Each reports progress through `onProgress`.
 */
export type { FlowContext, FlowProgress, FlowStage, ReadBasis } from "./types";
export { createRecord, custodianReader, type CreateRecordInput, type CreatedRecord } from "./createRecord";
export { readRecord, type ReadRecordInput, type ReadRecordResult } from "./readRecord";
export {
  grantAccessWithRewrap,
  revokeAccess,
  rewrapRecordKeys,
  rewrapGrantedRecords,
  recordsAwaitingShare,
  shareAwaitingRecords,
  type AwaitingShare,
  type GrantAccessInput,
  type GrantAccessResult,
} from "./grantAccess";
export {
  openEmergencyAndRead,
  readEmergencyRecords,
  readPermittedCardParts,
  NOT_COVERED,
  type EmergencyReadInput,
  type EmergencyReadResult,
} from "./emergency";
export { updateGeneralDetails, latestGeneralDetails, GENERAL_DETAILS_MEDIA_TYPE } from "./generalDetails";
export { listRecords, allRecords, MAX_PAGE, type ListRecordsInput, type RecordPage } from "./listRecords";
