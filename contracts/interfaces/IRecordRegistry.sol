// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IRecordRegistry
 * @notice The append-only index of a patient's encrypted records. Storage holds one packed slot
 * per record (author, category, flags, block); the envelope hash and IPFS pointers live in the
 * {RecordAdded} event of that block, which clients fetch with a one-block log query. Nothing
 * readable about the patient is written: categories are small integers, content is ciphertext.
 */
interface IRecordRegistry {
    /// @notice Flags of a record.
    /// HAS_SUMMARY: an encrypted summary accompanies the report.
    /// SUPERSEDED: a later record amends this one.
    /// AMENDMENT: this record supersedes an earlier one.
    struct Record {
        address author;
        uint8 category;
        uint8 flags;
        uint40 blockNumber;
        uint32 supersedes;
    }

    /// @notice What is written with each record. `envelopeHash` is the SHA-256 of the encrypted
    /// envelope; `cid` its IPFS CID; the summary fields are empty/zero when there is no summary.
    struct RecordInput {
        uint8 category;
        bytes32 envelopeHash;
        string cid;
        bytes32 summaryHash;
        string summaryCid;
    }

    /// @notice `category` is beyond the 32 categories a grant bitmask covers.
    error RecordCategoryInvalid(uint8 category);
    /// @notice The envelope hash or CID is empty, or a summary hash comes without its CID.
    error RecordPointerInvalid();
    /// @notice `caller` may not add records of `category` for `patient`.
    error RecordWriteUnauthorized(address patient, address caller, uint8 category);
    /// @notice `patient` has no record at `index`.
    error RecordUnknown(address patient, uint256 index);
    /// @notice The record was already superseded by an amendment.
    error RecordAlreadySuperseded(address patient, uint256 index);
    /// @notice There is no confirmed appointment of `doctor` with `patient` open for writing now.
    error RecordAppointmentWindowClosed(address doctor, uint40 start);

    /// @notice Emitted for each new record: everything a client needs to fetch and verify it.
    event RecordAdded(
        address indexed patient,
        uint256 indexed index,
        address indexed author,
        uint8 category,
        bytes32 envelopeHash,
        string cid,
        bytes32 summaryHash,
        string summaryCid
    );
    /// @notice Emitted when record `newIndex` supersedes `oldIndex`, with a reason code.
    event RecordAmended(address indexed patient, uint256 indexed oldIndex, uint256 newIndex, uint16 reasonCode);

    /**
     * @notice Appends a record for `patient`.
     * Requirements: not paused; `patient` is active; caller is the patient, or an active doctor whose
     * grant covers `input.category`; pointers valid. Emits {RecordAdded}.
     * @return index The record's index in the patient's list.
     */
    function addRecord(address patient, RecordInput calldata input) external returns (uint256 index);

    /**
     * @notice Appends a record during a confirmed appointment: from its start until the write-up
     * grace period after its end, the doctor may add records without a grant.
     * Requirements: not paused; the caller's appointment at `start` is confirmed and open for writing.
     * Emits {RecordAdded}.
     */
    function addAppointmentRecord(uint40 start, RecordInput calldata input) external returns (uint256 index);

    /**
     * @notice Appends a record that supersedes record `oldIndex` (which stays readable), with a reason.
     * Requirements: as {addRecord} for the new category, and the caller may write the old record's
     * category too; the old record exists and is not yet superseded.
     * Emits {RecordAdded} and {RecordAmended}.
     */
    function amendRecord(
        address patient,
        uint256 oldIndex,
        RecordInput calldata input,
        uint16 reasonCode
    ) external returns (uint256 index);

    /// @notice The number of records of `patient`.
    function recordCount(address patient) external view returns (uint256);

    /// @notice One record. Reverts with {RecordUnknown} past the end.
    function recordOf(address patient, uint256 index) external view returns (Record memory);

    /// @notice Up to `limit` records starting at `offset`, oldest first.
    function recordsPage(address patient, uint256 offset, uint256 limit) external view returns (Record[] memory page);
}
