// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEmergencyAccess} from "../interfaces/IEmergencyAccess.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";
import {PatientRegistry} from "./PatientRegistry.sol";

/// @title EmergencyAccess
/// @notice Break-glass windows and their review: see {IEmergencyAccess}. Other modules ask it
/// whether a window is open ({_emergencyOpen}) and open one through {_openEmergency}.
abstract contract EmergencyAccess is ProviderRegistry, PatientRegistry, IEmergencyAccess {
    /// @notice The daily limit per doctor at deployment: a busy emergency shift, not a sweep.
    uint16 public constant DEFAULT_EMERGENCY_DAILY_LIMIT = 5;
    /// @notice The cool-down at deployment: a second reason for a re-opening within a day.
    uint40 public constant DEFAULT_EMERGENCY_COOLDOWN = 24 hours;
    /// @notice The longest cool-down any policy may set.
    uint40 public constant MAX_EMERGENCY_COOLDOWN = 30 days;

    /// @dev One slot per doctor: the UTC day (days since 1970) of the latest opening and the openings
    /// that day. A new day overwrites both, so the counter never needs resetting.
    struct DailyOpenings {
        uint32 day;
        uint16 count;
    }

    mapping(address patient => mapping(address doctor => EmergencyWindow)) private _windows;
    /// @dev Bit `id % 256` of word `id / 256` is set once emergency `id` is reviewed.
    mapping(uint256 word => uint256 bits) private _reviewed;
    mapping(address doctor => DailyOpenings) private _dailyOpenings;

    constructor() {
        _setEmergencyPolicy(DEFAULT_EMERGENCY_DAILY_LIMIT, DEFAULT_EMERGENCY_COOLDOWN);
    }

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
        return _emergencyCount();
    }

    /// @inheritdoc IEmergencyAccess
    function isEmergencyReviewed(uint256 id) external view returns (bool) {
        return (_reviewed[id >> 8] >> (id & 0xff)) & 1 == 1;
    }

    /// @inheritdoc IEmergencyAccess
    function emergencyPolicy() external view returns (EmergencyPolicy memory) {
        return EmergencyPolicy({dailyLimit: _emergencyDailyLimit(), cooldown: _emergencyCooldown()});
    }

    /// @inheritdoc IEmergencyAccess
    function emergencyOpeningsToday(address doctor_) external view returns (uint256 count) {
        DailyOpenings memory d = _dailyOpenings[doctor_];
        return d.day == _today() ? d.count : 0;
    }

    /// @inheritdoc IEmergencyAccess
    function emergencySecondReasonUntil(address patient_, address doctor_) external view returns (uint40 until) {
        until = _secondReasonUntil(_windows[patient_][doctor_]);
        return until > block.timestamp ? until : 0;
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
        if (id == 0 || id > _emergencyCount()) revert EmergencyUnknown(id);
        uint256 bit = 1 << (id & 0xff);
        uint256 word = _reviewed[id >> 8];
        if (word & bit != 0) revert EmergencyAlreadyReviewed(id);
        _reviewed[id >> 8] = word | bit;
        emit EmergencyAccessReviewed(id, msg.sender, justified, notesHash);
    }

    /// @inheritdoc IEmergencyAccess
    function setEmergencyPolicy(uint16 dailyLimit, uint40 cooldown) external onlyAdmin {
        _setEmergencyPolicy(dailyLimit, cooldown);
    }

    /// @dev Opens the caller's window on `patient_` after every check of {openEmergencyAccess}; the
    /// caller checks the pause.
    function _openEmergency(
        address patient_,
        uint16 reasonCode,
        bytes32 justificationHash
    ) internal returns (uint256 id) {
        _requireActiveDoctor(msg.sender);
        (AccountStatus status, bool optedOut, uint40 lastOptOutAt) = _emergencyStateOf(patient_);
        _requireActivePatient(patient_, status);
        if (optedOut) revert EmergencyOptedOut(patient_);
        if (reasonCode == 0 || justificationHash == bytes32(0)) revert EmergencyJustificationMissing();
        EmergencyWindow storage w = _windows[patient_][msg.sender];
        if (_windowLive(w, lastOptOutAt)) revert EmergencyAlreadyOpen(patient_, msg.sender, w.expiresAt);
        bytes9 tag = bytes9(justificationHash);
        // A re-opening soon after the last one must say something new, not replay the first reason.
        // The tags are compared first: a new reason (the usual case) needs no cool-down arithmetic.
        if (tag == w.justificationTag) {
            uint40 until = _secondReasonUntil(w);
            if (until > block.timestamp) revert EmergencySecondReasonRequired(patient_, msg.sender, until);
        }
        _countOpening(msg.sender);
        id = _nextEmergencyId();
        uint40 expiresAt = _now() + _emergencyWindow;
        _windows[patient_][msg.sender] = EmergencyWindow({
            openedAt: _now(),
            expiresAt: expiresAt,
            id: uint64(id),
            justificationTag: tag
        });
        emit EmergencyAccessOpened(id, patient_, msg.sender, reasonCode, justificationHash, expiresAt);
    }

    /// @dev Whether the doctor's window on the patient is open: unexpired, the patient not opted out,
    /// and not opened before the patient's last opt-out (opting out closes open windows for good).
    /// Does not check the doctor's status.
    function _emergencyOpen(address patient_, address doctor_) internal view returns (bool) {
        (, bool optedOut, uint40 lastOptOutAt) = _emergencyStateOf(patient_);
        return !optedOut && _windowLive(_windows[patient_][doctor_], lastOptOutAt);
    }

    /// @dev Counts an opening by `doctor_` today, or reverts once the daily limit is reached.
    function _countOpening(address doctor_) private {
        uint16 limit = _emergencyDailyLimit();
        DailyOpenings storage d = _dailyOpenings[doctor_];
        uint32 today = _today();
        uint16 count = d.day == today ? d.count : 0;
        // At the limit (or with break-glass off, a limit of 0): no more openings until tomorrow, UTC.
        if (count >= limit) revert EmergencyDailyLimitReached(doctor_, limit);
        (d.day, d.count) = (today, count + 1);
    }

    function _setEmergencyPolicy(uint16 dailyLimit, uint40 cooldown) private {
        // A cool-down of months would turn every later opening into a re-opening: not a cool-down.
        if (cooldown > MAX_EMERGENCY_COOLDOWN) revert EmergencyPolicyInvalid(dailyLimit, cooldown);
        _setEmergencyLimits(dailyLimit, cooldown);
        emit EmergencyPolicySet(dailyLimit, cooldown);
    }

    /// @dev The end of the cool-down after the window's opening; 0 when there was none.
    function _secondReasonUntil(EmergencyWindow storage w) private view returns (uint40) {
        return w.openedAt == 0 ? 0 : w.openedAt + _emergencyCooldown();
    }

    /// @dev The UTC day of the latest block, as days since 1970.
    function _today() private view returns (uint32) {
        return uint32(block.timestamp / 1 days);
    }

    function _windowLive(EmergencyWindow storage w, uint40 lastOptOutAt) private view returns (bool) {
        // Strictly after: a window opened in the same second as an opt-out counts as closed.
        return w.expiresAt > block.timestamp && w.openedAt > lastOptOutAt;
    }
}
