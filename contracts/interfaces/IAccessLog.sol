// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IAccessLog
 * @notice The audit trail. A reader other than the patient calls {logAccess} before a key is
 * released to them; the call reverts unless they are authorized at that moment, so every
 * {RecordAccessed} event stands for a legitimate read, and the storage service releases keys only
 * against such an event.
 */
interface IAccessLog {
    /// @notice Why a read was allowed.
    enum AccessBasis {
        None,
        Grant,
        Emergency
    }

    /// @notice `reader` may not read record `index` of `patient` (summary only: `summaryOnly`) now.
    /// @param patient The patient.
    /// @param reader The would-be reader.
    /// @param index The record index, from 0.
    /// @param summaryOnly True if only the summary was asked for.
    error AccessUnauthorized(address patient, address reader, uint256 index, bool summaryOnly);

    /// @notice Emitted for each authorized read by someone other than the patient.
    /// @param patient The patient.
    /// @param reader The reader (never the patient).
    /// @param index The record index, from 0.
    /// @param basis The grant or the emergency that allowed the read.
    /// @param summaryOnly True if only the summary was read.
    event RecordAccessed(
        address indexed patient,
        address indexed reader,
        uint256 indexed index,
        AccessBasis basis,
        bool summaryOnly
    );

    /**
     * @notice Logs a read of record `index` of `patient` by the caller: the full record, or only its
     * summary. A grant covering the record's category allows both; an open emergency window allows
     * general-details records and summaries of any record.
     * Requirements: not paused; the record (and, for `summaryOnly`, its summary) exists; the caller
     * is authorized now.
     * Emits {RecordAccessed}.
     * @param patient The patient.
     * @param index The record index, from 0.
     * @param summaryOnly True to read only the record's summary.
     * @return basis The grant or the emergency that allowed the read.
     */
    function logAccess(address patient, uint256 index, bool summaryOnly) external returns (AccessBasis basis);

    /**
     * @notice Break-glass and the emergency card's reads in one transaction: opens the caller's
     * emergency window on `patient` as {IEmergencyAccess-openEmergencyAccess} does (same checks, same
     * fixed window, same event for the patient and the admin's review), then logs a read of each
     * record in `indexes` as {logAccess} does: a general-details record in full, any other record's
     * summary only. Its receipt is the proof the storage service takes for every key it releases.
     * Requirements: those of {IEmergencyAccess-openEmergencyAccess}, the break-glass policy's daily
     * limit and second reason included; each record exists and the caller
     * may read it now (an other record must have a summary), else {AccessUnauthorized} and nothing
     * is opened.
     * Emits {IEmergencyAccess-EmergencyAccessOpened}, then one {RecordAccessed} per index, in order.
     * @param patient The patient whose card the caller opens.
     * @param reasonCode A non-zero reason code (the dApp's list).
     * @param justificationHash The keccak256 of the written justification.
     * @param indexes The records read: the newest general details and the records with a summary.
     * @return id The emergency access id, for review.
     */
    function openEmergencyAccessAndLog(
        address patient,
        uint16 reasonCode,
        bytes32 justificationHash,
        uint256[] calldata indexes
    ) external returns (uint256 id);

    /**
     * @notice Logs the emergency card's reads in one transaction, as {openEmergencyAccessAndLog}
     * does, for a window (or a grant) the caller already holds: a general-details record in full,
     * any other record's summary only.
     * Requirements: not paused; each record exists and the caller may read it now, else
     * {AccessUnauthorized} and nothing is logged.
     * Emits one {RecordAccessed} per index, in order.
     * @param patient The patient whose records the caller reads.
     * @param indexes The records read.
     */
    function logEmergencyReads(address patient, uint256[] calldata indexes) external;

    /// @notice What {logAccess} would allow now, without logging: None when it would revert.
    /// @param patient The patient.
    /// @param reader The would-be reader.
    /// @param index The record index, from 0.
    /// @param summaryOnly True for a summary-only read.
    /// @return The basis that would allow the read; None if it would revert.
    function accessBasis(
        address patient,
        address reader,
        uint256 index,
        bool summaryOnly
    ) external view returns (AccessBasis);
}
