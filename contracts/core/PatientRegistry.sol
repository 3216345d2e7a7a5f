// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPatientRegistry} from "../interfaces/IPatientRegistry.sol";
import {IKeyDirectory} from "../interfaces/IKeyDirectory.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";

/// @title PatientRegistry
/// @notice Self-registration of patients: see {IPatientRegistry}.
abstract contract PatientRegistry is ProviderRegistry, IPatientRegistry {
    /// @dev One slot: status, key metadata and the record counter, all read on the hot paths.
    struct PatientState {
        PatientStatus status;
        uint8 keyPrefix;
        bool emergencyOptOut;
        uint32 keyVersion;
        uint32 recordCount;
        uint40 registeredAt;
        uint40 keyBlock;
        uint32 approvedBy;
    }

    mapping(address patient => PatientState) private _patients;
    mapping(address patient => bytes32) internal _patientKeyX;
    uint256 private _patientCount;

    /// @inheritdoc IPatientRegistry
    function patient(address account) external view returns (PatientView memory) {
        PatientState storage p = _patients[account];
        return
            PatientView({
                status: p.status,
                emergencyOptOut: p.emergencyOptOut,
                keyVersion: p.keyVersion,
                recordCount: p.recordCount,
                registeredAt: p.registeredAt,
                approvedBy: p.approvedBy
            });
    }

    /// @inheritdoc IPatientRegistry
    function isActivePatient(address account) public view returns (bool) {
        return _patients[account].status == PatientStatus.Active;
    }

    /// @inheritdoc IPatientRegistry
    function patientCount() external view returns (uint256) {
        return _patientCount;
    }

    /// @inheritdoc IPatientRegistry
    function registerPatient(bytes calldata publicKey, string calldata keyBackup) external whenNotPaused {
        PatientState storage p = _patients[msg.sender];
        if (p.status != PatientStatus.None || _isProvider(msg.sender)) revert PatientAccountTaken(msg.sender);
        (bytes32 x, uint8 prefix) = _compressKey(msg.sender, publicKey);
        PatientStatus status = _requireHospitalApproval ? PatientStatus.Pending : PatientStatus.Active;
        p.status = status;
        p.keyPrefix = prefix;
        p.keyVersion = 1;
        p.registeredAt = _now();
        p.keyBlock = uint40(block.number);
        _patientKeyX[msg.sender] = x;
        unchecked {
            ++_patientCount;
        }
        emit PatientRegistered(msg.sender, status);
        emit IKeyDirectory.EncryptionKeySet(msg.sender, 1, keyBackup);
    }

    /// @inheritdoc IPatientRegistry
    function approvePatient(address account) external whenNotPaused onlyRole(HOSPITAL_ROLE) {
        PatientState storage p = _patients[account];
        if (p.status != PatientStatus.Pending) revert PatientNotPending(account);
        uint32 hospitalId = _hospitalIdOf(msg.sender);
        p.status = PatientStatus.Active;
        p.approvedBy = hospitalId;
        emit PatientApproved(account, hospitalId, msg.sender);
    }

    /// @inheritdoc IPatientRegistry
    function setEmergencyOptOut(bool optOut) external {
        // Opting out only removes access, so it stays possible during an incident pause; opting
        // back in adds access and waits for the pause to end.
        if (!optOut) _requireNotPaused();
        PatientState storage p = _requireRegistered(msg.sender);
        if (p.emergencyOptOut == optOut) revert PatientOptOutUnchanged(msg.sender, optOut);
        p.emergencyOptOut = optOut;
        emit EmergencyOptOutChanged(msg.sender, optOut);
    }

    /// @dev The patient's state slot; zero for an unknown address.
    function _patientState(address account) internal view returns (PatientState storage) {
        return _patients[account];
    }

    /// @dev The slot of an active patient; reverts for unknown or pending ones.
    function _requireActivePatient(address account) internal view returns (PatientState storage p) {
        p = _patients[account];
        if (p.status == PatientStatus.Active) return p;
        if (p.status == PatientStatus.None) revert PatientUnknown(account);
        revert PatientPending(account);
    }

    function _requireRegistered(address account) internal view returns (PatientState storage p) {
        p = _patients[account];
        if (p.status == PatientStatus.None) revert PatientUnknown(account);
    }

    function _isPatient(address account) internal view override returns (bool) {
        return _patients[account].status != PatientStatus.None;
    }
}
