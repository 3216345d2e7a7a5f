// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPatientRegistry} from "../interfaces/IPatientRegistry.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";
import {KeyDirectory} from "./KeyDirectory.sol";

/// @title PatientRegistry
/// @notice Self-registration of patients: see {IPatientRegistry}. Uses {ProviderRegistry} for the
/// approving hospital and {KeyDirectory} for the key a patient registers with.
abstract contract PatientRegistry is ProviderRegistry, KeyDirectory, IPatientRegistry {
    /// @inheritdoc IPatientRegistry
    function patient(address account) external view returns (PatientView memory) {
        Account memory a = _account(account);
        PatientStatus status =
            a.status == AccountStatus.PatientActive
                ? PatientStatus.Active
                : a.status == AccountStatus.PatientPending
                    ? PatientStatus.Pending
                    : PatientStatus.None;
        if (status == PatientStatus.None) return PatientView(PatientStatus.None, false, 0, 0, 0, 0);
        return
            PatientView({
                status: status,
                emergencyOptOut: a.emergencyOptOut,
                keyVersion: a.keyVersion,
                recordCount: a.recordCount,
                registeredAt: a.since,
                approvedBy: a.hospitalId
            });
    }

    /// @inheritdoc IPatientRegistry
    function isActivePatient(address account) public view returns (bool) {
        return _statusOf(account) == AccountStatus.PatientActive;
    }

    /// @inheritdoc IPatientRegistry
    function registerPatient(bytes calldata publicKey, bytes32 keyBackup) external whenNotPaused {
        // One slot says whether the address is already a patient, a doctor or a hospital.
        if (_statusOf(msg.sender) != AccountStatus.None) revert PatientAccountTaken(msg.sender);
        bool pending = _requireHospitalApproval;
        _openAccount(msg.sender, pending ? AccountStatus.PatientPending : AccountStatus.PatientActive, 0, 0);
        // Key version 1; its backup pointer is announced by the registration event.
        _setKey(msg.sender, publicKey);
        emit PatientRegistered(msg.sender, pending ? PatientStatus.Pending : PatientStatus.Active, keyBackup);
    }

    /// @inheritdoc IPatientRegistry
    function approvePatient(address account) external whenNotPaused onlyRole(HOSPITAL_ROLE) {
        uint32 hospitalId = _hospitalIdOf(msg.sender);
        // The role alone is not enough: it must belong to a hospital added by `addHospital`, so
        // every approval names the hospital that vouched for the patient.
        if (hospitalId == 0) revert AccessControlUnauthorizedAccount(msg.sender, HOSPITAL_ROLE);
        if (_statusOf(account) != AccountStatus.PatientPending) revert PatientNotPending(account);
        _setStatus(account, AccountStatus.PatientActive);
        _setHospitalId(account, hospitalId);
        emit PatientApproved(account, hospitalId, msg.sender);
    }

    /// @inheritdoc IPatientRegistry
    function setEmergencyOptOut(bool optOut) external {
        // Opting out only removes access, so it stays possible during an incident pause; opting
        // back in adds access and waits for the pause to end.
        if (!optOut) _requireNotPaused();
        (AccountStatus status, bool optedOut, ) = _emergencyStateOf(msg.sender);
        if (status != AccountStatus.PatientActive && status != AccountStatus.PatientPending) {
            revert PatientUnknown(msg.sender);
        }
        if (optedOut == optOut) revert PatientOptOutUnchanged(msg.sender, optOut);
        // Opting out stamps the time: windows opened before it stay closed even after opting back in.
        _setEmergencyOptOut(msg.sender, optOut);
        emit EmergencyOptOutChanged(msg.sender, optOut);
    }

    /// @dev Reverts unless `account` is an active patient (unknown and pending get their own errors).
    function _requireActivePatient(address account) internal view {
        _requireActivePatient(account, _statusOf(account));
    }

    /// @dev {_requireActivePatient} for a status already read with other facts of the account slot.
    function _requireActivePatient(address account, AccountStatus status) internal pure {
        if (status == AccountStatus.PatientActive) return;
        if (status == AccountStatus.PatientPending) revert PatientPending(account);
        revert PatientUnknown(account);
    }
}
