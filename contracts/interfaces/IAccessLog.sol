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
    error AccessUnauthorized(address patient, address reader, uint256 index, bool summaryOnly);

    /// @notice Emitted for each authorized read by someone other than the patient.
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
     * @return basis The grant or the emergency that allowed the read.
     */
    function logAccess(address patient, uint256 index, bool summaryOnly) external returns (AccessBasis basis);

    /// @notice What {logAccess} would allow now, without logging: None when it would revert.
    function accessBasis(
        address patient,
        address reader,
        uint256 index,
        bool summaryOnly
    ) external view returns (AccessBasis);
}
