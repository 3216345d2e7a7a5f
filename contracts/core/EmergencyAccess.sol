// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEmergencyAccess} from "../interfaces/IEmergencyAccess.sol";
import {RecordRegistry} from "./RecordRegistry.sol";

/// @title EmergencyAccess
/// @notice Break-glass windows and their review: see {IEmergencyAccess}.
abstract contract EmergencyAccess is RecordRegistry, IEmergencyAccess {
    mapping(address patient => mapping(address doctor => EmergencyWindow)) private _windows;
    /// @dev Bit `id % 256` of word `id / 256` is set once emergency `id` is reviewed.
    mapping(uint256 word => uint256 bits) private _reviewed;

    /// @inheritdoc IEmergencyAccess
    function hasEmergencyAccess(address patient_, address doctor_) external view returns (bool) {
        return isActiveDoctor(doctor_) && _emergencyOpen(patient_, doctor_);
    }

    /// @inheritdoc IEmergencyAccess
    function emergencyWindowOf(address patient_, address doctor_) external view returns (EmergencyWindow memory) {
        return _windows[patient_][doctor_];
    }

    /// @inheritdoc IEmergencyAccess
    function emergencyCount() external view returns (uint256) {
        return _system.emergencyCount;
    }

    /// @inheritdoc IEmergencyAccess
    function isEmergencyReviewed(uint256 id) external view returns (bool) {
        return (_reviewed[id >> 8] >> (id & 0xff)) & 1 == 1;
    }

    /// @inheritdoc IEmergencyAccess
    function openEmergencyAccess(
        address patient_,
        uint16 reasonCode,
        bytes32 justificationHash
    ) external whenNotPaused returns (uint256 id) {
        return _openEmergency(patient_, reasonCode, justificationHash);
    }

    /// @inheritdoc IEmergencyAccess
    function reviewEmergencyAccess(uint256 id, bool justified, bytes32 notesHash) external onlyAdmin {
        if (id == 0 || id > _system.emergencyCount) revert EmergencyUnknown(id);
        uint256 bit = 1 << (id & 0xff);
        uint256 word = _reviewed[id >> 8];
        if (word & bit != 0) revert EmergencyAlreadyReviewed(id);
        _reviewed[id >> 8] = word | bit;
        emit EmergencyAccessReviewed(id, msg.sender, justified, notesHash);
    }

    /// @dev Opens the caller's window on `patient_` after every check of {openEmergencyAccess}; the
    /// caller checks the pause.
    function _openEmergency(
        address patient_,
        uint16 reasonCode,
        bytes32 justificationHash
    ) internal returns (uint256 id) {
        _requireActiveDoctor(msg.sender);
        Account storage a = _requireActivePatient(patient_);
        if (a.emergencyOptOut) revert EmergencyOptedOut(patient_);
        if (reasonCode == 0 || justificationHash == bytes32(0)) revert EmergencyJustificationMissing();
        EmergencyWindow storage w = _windows[patient_][msg.sender];
        if (_windowLive(w, a)) revert EmergencyAlreadyOpen(patient_, msg.sender, w.expiresAt);
        id = ++_system.emergencyCount;
        uint40 expiresAt = _now() + _emergencyWindow;
        w.openedAt = _now();
        w.expiresAt = expiresAt;
        w.id = uint64(id);
        emit EmergencyAccessOpened(id, patient_, msg.sender, reasonCode, justificationHash, expiresAt);
    }

    /// @dev Whether the doctor's window on the patient is open: unexpired, the patient not opted out,
    /// and not opened before the patient's last opt-out (opting out closes open windows for good).
    /// Does not check the doctor's status.
    function _emergencyOpen(address patient_, address doctor_) internal view returns (bool) {
        Account storage a = _accounts[patient_];
        return !a.emergencyOptOut && _windowLive(_windows[patient_][doctor_], a);
    }

    function _windowLive(EmergencyWindow storage w, Account storage a) private view returns (bool) {
        // Strictly after: a window opened in the same second as an opt-out counts as closed.
        return w.expiresAt > block.timestamp && w.openedAt > a.emergencyOptOutAt;
    }
}
