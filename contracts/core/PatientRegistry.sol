// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPatientRegistry} from "../interfaces/IPatientRegistry.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";

/// @title PatientRegistry
/// @notice Self-registration of patients: see {IPatientRegistry}.
abstract contract PatientRegistry is ProviderRegistry, IPatientRegistry {
    /// @inheritdoc IPatientRegistry
    function patient(address account) external view returns (PatientView memory) {
        Account storage a = _accounts[account];
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
        return _accounts[account].status == AccountStatus.PatientActive;
    }

    /// @inheritdoc IPatientRegistry
    function registerPatient(bytes calldata publicKey, bytes32 keyBackup) external whenNotPaused {
        Account storage a = _accounts[msg.sender];
        // One slot says whether the address is already a patient, a doctor or a hospital.
        if (a.status != AccountStatus.None) revert PatientAccountTaken(msg.sender);
        (bytes32 x, uint8 prefix) = _compressKey(msg.sender, publicKey);
        bool pending = _requireHospitalApproval;
        a.status = pending ? AccountStatus.PatientPending : AccountStatus.PatientActive;
        a.keyPrefix = prefix;
        a.keyVersion = 1;
        a.keyBlock = uint40(block.number);
        a.since = _now();
        _keyX[msg.sender] = x;
        emit PatientRegistered(msg.sender, pending ? PatientStatus.Pending : PatientStatus.Active, keyBackup);
    }

    /// @inheritdoc IPatientRegistry
    function approvePatient(address account) external whenNotPaused onlyRole(HOSPITAL_ROLE) {
        Account storage a = _accounts[account];
        uint32 hospitalId = _hospitalIdOf(msg.sender);
        // The role alone is not enough: it must belong to a hospital added by `addHospital`, so
        // every approval names the hospital that vouched for the patient.
        if (hospitalId == 0) revert AccessControlUnauthorizedAccount(msg.sender, HOSPITAL_ROLE);
        if (a.status != AccountStatus.PatientPending) revert PatientNotPending(account);
        a.status = AccountStatus.PatientActive;
        a.hospitalId = hospitalId;
        emit PatientApproved(account, hospitalId, msg.sender);
    }

    /// @inheritdoc IPatientRegistry
    function setEmergencyOptOut(bool optOut) external {
        // Opting out only removes access, so it stays possible during an incident pause; opting
        // back in adds access and waits for the pause to end.
        if (!optOut) _requireNotPaused();
        Account storage a = _accounts[msg.sender];
        if (a.status != AccountStatus.PatientActive && a.status != AccountStatus.PatientPending) {
            revert PatientUnknown(msg.sender);
        }
        if (a.emergencyOptOut == optOut) revert PatientOptOutUnchanged(msg.sender, optOut);
        a.emergencyOptOut = optOut;
        // Windows opened before an opt-out stay closed even if the patient opts back in later.
        if (optOut) a.emergencyOptOutAt = _now();
        emit EmergencyOptOutChanged(msg.sender, optOut);
    }

    /// @dev The slot of an active patient; reverts for unknown or pending ones.
    function _requireActivePatient(address account) internal view returns (Account storage a) {
        a = _accounts[account];
        if (a.status == AccountStatus.PatientActive) return a;
        if (a.status == AccountStatus.PatientPending) revert PatientPending(account);
        revert PatientUnknown(account);
    }
}
