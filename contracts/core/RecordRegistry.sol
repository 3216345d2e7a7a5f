// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRecordRegistry} from "../interfaces/IRecordRegistry.sol";
import {IAppointmentBook} from "../interfaces/IAppointmentBook.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";
import {PatientRegistry} from "./PatientRegistry.sol";
import {ConsentRegistry} from "./ConsentRegistry.sol";

/// @title RecordRegistry
/// @notice The append-only record index: see {IRecordRegistry}. Other modules read a record's
/// category and flags through {_recordFacts}.
abstract contract RecordRegistry is ProviderRegistry, PatientRegistry, ConsentRegistry, IRecordRegistry {
    uint8 public constant FLAG_HAS_SUMMARY = 1;
    uint8 public constant FLAG_SUPERSEDED = 2;
    uint8 public constant FLAG_AMENDMENT = 4;
    /// @notice How long after an appointment's 30-minute slot ends its doctor may still add records.
    uint40 public constant APPOINTMENT_WRITE_UP = 24 hours;
    uint40 private constant _SLOT_DURATION = 30 minutes;

    mapping(address patient => mapping(uint256 index => Record)) private _records;

    /// @inheritdoc IRecordRegistry
    function recordCount(address patient_) external view returns (uint256) {
        return _recordCountOf(patient_);
    }

    /// @inheritdoc IRecordRegistry
    function recordOf(address patient_, uint256 index) external view returns (Record memory) {
        return _existingRecord(patient_, index);
    }

    /// @inheritdoc IRecordRegistry
    function recordsPage(address patient_, uint256 offset, uint256 limit) external view returns (Record[] memory page) {
        page = new Record[](_pageSize(_recordCountOf(patient_), offset, limit));
        mapping(uint256 => Record) storage records = _records[patient_];
        for (uint256 i = 0; i < page.length; ++i) page[i] = records[offset + i];
    }

    /// @inheritdoc IRecordRegistry
    function addRecord(address patient_, RecordInput calldata input) external whenNotPaused returns (uint256) {
        _requireActivePatient(patient_);
        _requireCanWrite(patient_, input.category);
        return _append(patient_, input, 0);
    }

    /// @inheritdoc IRecordRegistry
    function addAppointmentRecord(uint40 start, RecordInput calldata input) external whenNotPaused returns (uint256) {
        _requireActiveDoctor(msg.sender);
        IAppointmentBook.Appointment memory a = IAppointmentBook(_appointmentBook()).appointmentOf(msg.sender, start);
        // The window runs from the slot's start to the write-up deadline after its end.
        if (
            a.status != IAppointmentBook.AppointmentStatus.Confirmed ||
            block.timestamp < start ||
            block.timestamp > uint256(start) + _SLOT_DURATION + APPOINTMENT_WRITE_UP
        ) revert RecordAppointmentWindowClosed(msg.sender, start);
        _requireActivePatient(a.patient);
        return _append(a.patient, input, 0);
    }

    /// @inheritdoc IRecordRegistry
    function amendRecord(
        address patient_,
        uint256 oldIndex,
        RecordInput calldata input,
        uint16 reasonCode
    ) external whenNotPaused returns (uint256 index) {
        _requireActivePatient(patient_);
        Record storage old = _existingRecord(patient_, oldIndex);
        if (old.flags & FLAG_SUPERSEDED != 0) revert RecordAlreadySuperseded(patient_, oldIndex);
        _requireCanWrite(patient_, old.category);
        _requireCanWrite(patient_, input.category);
        old.flags |= FLAG_SUPERSEDED;
        index = _append(patient_, input, uint32(oldIndex + 1));
        emit RecordAmended(patient_, oldIndex, index, reasonCode);
    }

    /// @dev What authorizing a read needs of a record: whether it exists, its category and whether
    /// it has a summary (all false and 0 for a missing record).
    function _recordFacts(
        address patient_,
        uint256 index
    ) internal view returns (bool exists, uint8 category, bool hasSummary) {
        Record storage r = _records[patient_][index];
        // blockNumber is never 0 for a real record.
        return (r.blockNumber != 0, r.category, r.flags & FLAG_HAS_SUMMARY != 0);
    }

    /// @dev The record's category (0 for a missing record).
    function _recordCategory(address patient_, uint256 index) internal view returns (uint8) {
        return _records[patient_][index].category;
    }

    function _existingRecord(address patient_, uint256 index) private view returns (Record storage r) {
        r = _records[patient_][index];
        if (r.blockNumber == 0) revert RecordUnknown(patient_, index);
    }

    /// @dev The patient writes any category; a doctor needs a grant covering it, and to be active.
    function _requireCanWrite(address patient_, uint8 category) private view {
        if (category >= CATEGORY_LIMIT) revert RecordCategoryInvalid(category);
        if (msg.sender == patient_) return;
        if (!isActiveDoctor(msg.sender) || !_grantCovers(patient_, msg.sender, category)) {
            revert RecordWriteUnauthorized(patient_, msg.sender, category);
        }
    }

    function _append(address patient_, RecordInput calldata input, uint32 supersedes) private returns (uint256 index) {
        if (input.category >= CATEGORY_LIMIT) revert RecordCategoryInvalid(input.category);
        bool hasSummary = input.summaryHash != bytes32(0);
        // Every pointer must be complete: a hash without its CID could never be fetched.
        if (
            input.envelopeHash == bytes32(0) ||
            bytes(input.cid).length == 0 ||
            hasSummary != (bytes(input.summaryCid).length != 0)
        ) revert RecordPointerInvalid();
        index = _takeRecordIndex(patient_);
        uint8 flags = (hasSummary ? FLAG_HAS_SUMMARY : 0) | (supersedes != 0 ? FLAG_AMENDMENT : 0);
        _records[patient_][index] = Record({
            author: msg.sender,
            category: input.category,
            flags: flags,
            blockNumber: uint40(block.number),
            supersedes: supersedes
        });
        emit RecordAdded(
            patient_,
            index,
            msg.sender,
            input.category,
            input.envelopeHash,
            input.cid,
            input.summaryHash,
            input.summaryCid
        );
    }
}
