// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEhrCore} from "./interfaces/IEhrCore.sol";
import {EhrBase} from "./core/EhrBase.sol";
import {ProviderRegistry} from "./core/ProviderRegistry.sol";
import {KeyDirectory} from "./core/KeyDirectory.sol";
import {PatientRegistry} from "./core/PatientRegistry.sol";
import {ConsentRegistry} from "./core/ConsentRegistry.sol";
import {RecordRegistry} from "./core/RecordRegistry.sol";
import {EmergencyAccess} from "./core/EmergencyAccess.sol";
import {AccessLog} from "./core/AccessLog.sol";

/**
 * @title EhrCore
 * @notice The shared record's rules: hospitals and doctors, patients and their keys, consent,
 * the record index, emergency access and the audit trail, composed from sibling modules that each
 * inherit only the modules they use. See {IEhrCore} and the module interfaces for each function;
 * ARCHITECTURE.md for the picture.
 * @dev The order of the list is the storage order (EhrBase's slots, then providers, consent,
 * records, emergency); a module's position must not change without a storage layout check.
 */
contract EhrCore is
    ProviderRegistry,
    KeyDirectory,
    PatientRegistry,
    ConsentRegistry,
    RecordRegistry,
    EmergencyAccess,
    AccessLog,
    IEhrCore
{
    /**
     * @param admin The consortium operator: onboards, suspends, pauses, reviews.
     * @param adminTransferDelay Seconds a new admin must wait to accept a handover (two-step).
     * @param policy_ Maximum grant duration, emergency window (<= 24 h), hospital approval of patients.
     */
    constructor(
        address admin,
        uint48 adminTransferDelay,
        Policy memory policy_
    ) EhrBase(admin, adminTransferDelay, policy_) {}

    /// @inheritdoc IEhrCore
    function policy() external view returns (Policy memory) {
        return
            Policy({
                maxGrantDuration: _maxGrantDuration,
                emergencyWindow: _emergencyWindow,
                requireHospitalApproval: _requireHospitalApproval
            });
    }

    /// @inheritdoc IEhrCore
    function appointmentBook() external view returns (address) {
        return _appointmentBook();
    }

    /// @inheritdoc IEhrCore
    function paused() external view returns (bool) {
        return _paused();
    }

    /// @inheritdoc IEhrCore
    function appointmentParties(
        address patient_,
        address doctor_
    ) external view whenNotPaused returns (bool patientActive, bool doctorActive) {
        return (isActivePatient(patient_), isActiveDoctor(doctor_));
    }

    /// @inheritdoc IEhrCore
    function setAppointmentBook(address book) external onlyAdmin {
        if (_appointmentBook() != address(0) || book == address(0)) revert AppointmentBookAlreadySet();
        _setAppointmentBook(book);
        emit AppointmentBookSet(book);
    }

    /// @inheritdoc IEhrCore
    function pause() external onlyAdmin {
        if (_paused()) revert EnforcedPause();
        _setPaused(true);
        emit Paused(msg.sender);
    }

    /// @inheritdoc IEhrCore
    function unpause() external onlyAdmin {
        if (!_paused()) revert ExpectedPause();
        _setPaused(false);
        emit Unpaused(msg.sender);
    }
}
