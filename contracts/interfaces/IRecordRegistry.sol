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
        /// The account that added the record: the patient or a doctor.
        address author;
        /// The record category, 0 to 31 (bit of a grant mask).
        uint8 category;
        /// Bit mask of HAS_SUMMARY, SUPERSEDED and AMENDMENT.
        uint8 flags;
        /// Block in which the record was added: where its {RecordAdded} event is; 0 means no record.
        uint40 blockNumber;
        /// Index (from 0) plus one of the record this one supersedes; 0 for none.
        uint32 supersedes;
    }

    /// @notice What is written with each record. `envelopeHash` is the SHA-256 of the encrypted
    /// envelope; `cid` its IPFS CID; the summary fields are empty/zero when there is no summary.
    struct RecordInput {
        /// The record category, 0 to 31.
        uint8 category;
        /// SHA-256 of the encrypted envelope.
        bytes32 envelopeHash;
        /// IPFS CID of the encrypted envelope.
        string cid;
        /// SHA-256 of the encrypted summary; zero when there is none.
        bytes32 summaryHash;
        /// IPFS CID of the encrypted summary; empty when there is none.
        string summaryCid;
    }

    /// @notice `category` is beyond the 32 categories a grant bitmask covers.
    /// @param category The category given.
    error RecordCategoryInvalid(uint8 category);
    /// @notice The envelope hash or CID is empty, or a summary hash comes without its CID.
    error RecordPointerInvalid();
    /// @notice `caller` may not add records of `category` for `patient`.
    /// @param patient The patient.
    /// @param caller The caller.
    /// @param category The record category.
    error RecordWriteUnauthorized(address patient, address caller, uint8 category);
    /// @notice `patient` has no record at `index`.
    /// @param patient The patient.
    /// @param index The record index, from 0.
    error RecordUnknown(address patient, uint256 index);
    /// @notice The record was already superseded by an amendment.
    /// @param patient The patient.
    /// @param index The superseded record's index, from 0.
    error RecordAlreadySuperseded(address patient, uint256 index);
    /// @notice There is no confirmed appointment of `doctor` with `patient` open for writing now.
    /// @param doctor The doctor (caller).
    /// @param start The appointment's slot start, Unix seconds.
    error RecordAppointmentWindowClosed(address doctor, uint40 start);

    /// @notice Emitted for each new record: everything a client needs to fetch and verify it.
    /// @param patient The patient.
    /// @param index The record's index in the patient's list, from 0.
    /// @param author The patient or doctor who added it.
    /// @param category The record category, 0 to 31.
    /// @param envelopeHash SHA-256 of the encrypted envelope.
    /// @param cid IPFS CID of the encrypted envelope.
    /// @param summaryHash SHA-256 of the encrypted summary; zero when none.
    /// @param summaryCid IPFS CID of the encrypted summary; empty when none.
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
    /// @param patient The patient.
    /// @param oldIndex Index (from 0) of the superseded record.
    /// @param newIndex Index (from 0) of the amending record.
    /// @param reasonCode Reason code from the client's list.
    event RecordAmended(address indexed patient, uint256 indexed oldIndex, uint256 newIndex, uint16 reasonCode);

    /**
     * @notice Appends a record for `patient`.
     * Requirements: not paused; `patient` is active; caller is the patient, or an active doctor whose
     * grant covers `input.category`; pointers valid. Emits {RecordAdded}.
     * @param patient The patient whose list gets the record.
     * @param input The record's category and pointers.
     * @return index The record's index in the patient's list, from 0.
     */
    function addRecord(address patient, RecordInput calldata input) external returns (uint256 index);

    /**
     * @notice Appends a record during a confirmed appointment: from its start until the write-up
     * grace period after its end, the doctor may add records without a grant.
     * Requirements: not paused; the caller's appointment at `start` is confirmed and open for writing.
     * Emits {RecordAdded}.
     * @param start Slot start of the caller's confirmed appointment, Unix seconds; its patient gets the record.
     * @param input The record's category and pointers.
     * @return index The record's index in the patient's list, from 0.
     */
    function addAppointmentRecord(uint40 start, RecordInput calldata input) external returns (uint256 index);

    /**
     * @notice Appends a record that supersedes record `oldIndex` (which stays readable), with a reason.
     * Requirements: as {addRecord} for the new category, and the caller may write the old record's
     * category too; the old record exists and is not yet superseded.
     * Emits {RecordAdded} and {RecordAmended}.
     * @param patient The patient.
     * @param oldIndex Index (from 0) of the record superseded.
     * @param input The new record's category and pointers.
     * @param reasonCode Reason code from the client's list.
     * @return index The new record's index in the patient's list, from 0.
     */
    function amendRecord(
        address patient,
        uint256 oldIndex,
        RecordInput calldata input,
        uint16 reasonCode
    ) external returns (uint256 index);

    /// @notice The number of records of `patient`.
    /// @param patient The patient.
    /// @return The number of records; indexes run 0..count-1.
    function recordCount(address patient) external view returns (uint256);

    /// @notice One record. Reverts with {RecordUnknown} past the end.
    /// @param patient The patient.
    /// @param index The record index, from 0.
    /// @return The record.
    function recordOf(address patient, uint256 index) external view returns (Record memory);

    /// @notice Up to `limit` records starting at `offset`, oldest first.
    /// @param patient The patient.
    /// @param offset Index (from 0) of the first record returned.
    /// @param limit Maximum number returned.
    /// @return page The records; shorter (or empty) past the end.
    function recordsPage(address patient, uint256 offset, uint256 limit) external view returns (Record[] memory page);
}
