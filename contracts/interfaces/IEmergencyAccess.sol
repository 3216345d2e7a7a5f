// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IEmergencyAccess
 * @notice Break-glass access: an active doctor opens, for the policy's fixed window (at most 24 h),
 * access to a patient's general details and record summaries, stating a reason code and a hash of
 * a written justification. The patient and the admin see it at once (events); the admin reviews
 * each one. Patients may opt out (see {IPatientRegistry-setEmergencyOptOut}).
 *
 * The admin's break-glass policy bounds its use: each doctor opens at most `dailyLimit` windows
 * per UTC day (0 turns break-glass off, the one switch), and re-opening on the same patient within
 * `cooldown` of the previous opening needs a second reason: a justification different from the
 * previous opening's, so a repeat is explained, not replayed.
 */
interface IEmergencyAccess {
    /// @dev `justificationTag` is the first 9 bytes of the opening's justification hash: enough to
    /// tell a second reason from a replayed one, and it fits the window's slot, so it costs no write.
    struct EmergencyWindow {
        /// Unix time (seconds) at which the window opened.
        uint40 openedAt;
        /// Unix time (seconds) at which the window closes.
        uint40 expiresAt;
        /// The emergency access id, from 1.
        uint64 id;
        /// First 9 bytes of the opening's justification hash.
        bytes9 justificationTag;
    }

    /// @notice The admin's limits on break-glass.
    /// @dev `dailyLimit`: openings per doctor per UTC day, 0 = none allowed. `cooldown`: seconds after
    /// an opening during which re-opening on the same patient needs a second reason, 0 = never.
    struct EmergencyPolicy {
        /// Openings allowed per doctor per UTC day; 0 turns break-glass off.
        uint16 dailyLimit;
        /// Seconds after an opening during which re-opening on the same patient needs a second reason; 0 never.
        uint40 cooldown;
    }

    /// @notice The patient opted out of emergency access.
    /// @param patient The patient.
    error EmergencyOptedOut(address patient);
    /// @notice `doctor` already has an open window on `patient`, until `expiresAt`.
    /// @param patient The patient.
    /// @param doctor The doctor.
    /// @param expiresAt Unix time (seconds) at which the open window closes.
    error EmergencyAlreadyOpen(address patient, address doctor, uint40 expiresAt);
    /// @notice The justification hash is zero or the reason code is 0.
    error EmergencyJustificationMissing();
    /// @notice `id` does not name an emergency access.
    /// @param id The id given.
    error EmergencyUnknown(uint256 id);
    /// @notice The emergency access `id` was already reviewed.
    /// @param id The emergency access id.
    error EmergencyAlreadyReviewed(uint256 id);
    /// @notice `doctor` has already opened `limit` emergency windows today (UTC); a limit of 0 means
    /// break-glass is off.
    /// @param doctor The doctor.
    /// @param limit The daily limit in force.
    error EmergencyDailyLimitReached(address doctor, uint16 limit);
    /// @notice `doctor` opened a window on `patient` less than the cool-down ago: until `until`, a
    /// re-opening needs a justification different from the previous opening's.
    /// @param patient The patient.
    /// @param doctor The doctor.
    /// @param until Unix time (seconds) until which a second reason is needed.
    error EmergencySecondReasonRequired(address patient, address doctor, uint40 until);
    /// @notice The cool-down is longer than {EmergencyAccess-MAX_EMERGENCY_COOLDOWN}.
    /// @param dailyLimit The daily limit given.
    /// @param cooldown The cool-down given, in seconds.
    error EmergencyPolicyInvalid(uint16 dailyLimit, uint40 cooldown);

    /// @notice Emitted when a doctor opens emergency access; `id` counts from 1.
    /// @param id The emergency access id, from 1.
    /// @param patient The patient.
    /// @param doctor The doctor who opened it.
    /// @param reasonCode Non-zero reason code from the client's list.
    /// @param justificationHash keccak256 of the written justification.
    /// @param expiresAt Unix time (seconds) at which the window closes.
    event EmergencyAccessOpened(
        uint256 indexed id,
        address indexed patient,
        address indexed doctor,
        uint16 reasonCode,
        bytes32 justificationHash,
        uint40 expiresAt
    );
    /// @notice Emitted when the admin reviews emergency access `id`.
    /// @param id The emergency access id.
    /// @param reviewer The admin who reviewed.
    /// @param justified The admin's verdict.
    /// @param notesHash keccak256 of the review notes kept off-chain.
    event EmergencyAccessReviewed(uint256 indexed id, address indexed reviewer, bool justified, bytes32 notesHash);
    /// @notice Emitted at deployment (the defaults) and whenever the admin sets the break-glass policy.
    /// @param dailyLimit Openings allowed per doctor per UTC day; 0 turns break-glass off.
    /// @param cooldown Cool-down in seconds; 0 never asks for a second reason.
    event EmergencyPolicySet(uint16 dailyLimit, uint40 cooldown);

    /**
     * @notice Opens emergency access to `patient` for the policy window.
     * Requirements: not paused; caller is an active doctor; the patient is active and has not opted
     * out; no window of the caller on this patient is open; reason and justification given; within
     * the cool-down of the caller's previous opening on this patient, a justification different
     * from that opening's ({EmergencySecondReasonRequired}); fewer than the daily limit of openings
     * by the caller today, UTC ({EmergencyDailyLimitReached}).
     * Emits {EmergencyAccessOpened}.
     * @param patient The patient whose emergency card opens.
     * @param reasonCode A non-zero reason from the client's list.
     * @param justificationHash keccak256 of the written justification (the text stays with the doctor).
     * @return id The emergency access id, for review.
     */
    function openEmergencyAccess(
        address patient,
        uint16 reasonCode,
        bytes32 justificationHash
    ) external returns (uint256 id);

    /**
     * @notice The admin records the review of emergency access `id`.
     * Requirements: caller is the admin; `id` exists and is not reviewed. Works while paused.
     * Emits {EmergencyAccessReviewed}.
     * @param id The emergency access id.
     * @param justified True if the admin finds the access justified.
     * @param notesHash keccak256 of the review notes kept off-chain.
     */
    function reviewEmergencyAccess(uint256 id, bool justified, bytes32 notesHash) external;

    /// @notice Whether `doctor` has an open emergency window on `patient` now (and is active, and
    /// the patient has not opted out since).
    /// @param patient The patient.
    /// @param doctor The doctor.
    /// @return True if the window is open and still authorizes.
    function hasEmergencyAccess(address patient, address doctor) external view returns (bool);

    /// @notice The latest emergency window of `doctor` on `patient`, open or not.
    /// @param patient The patient.
    /// @param doctor The doctor.
    /// @return The window; all zero if the doctor never opened one on this patient.
    function emergencyWindowOf(address patient, address doctor) external view returns (EmergencyWindow memory);

    /// @notice The number of emergency accesses ever opened (ids run 1..count).
    /// @return The number of emergency accesses ever opened.
    function emergencyCount() external view returns (uint256);

    /// @notice Whether emergency access `id` has been reviewed.
    /// @param id The emergency access id.
    /// @return True if reviewed.
    function isEmergencyReviewed(uint256 id) external view returns (bool);

    /**
     * @notice Sets the break-glass policy. Applies at once, to today's count too. Works while paused.
     * Requirements: caller is the admin; `cooldown` at most {EmergencyAccess-MAX_EMERGENCY_COOLDOWN}.
     * Emits {EmergencyPolicySet}.
     * @param dailyLimit Openings allowed per doctor per UTC day; 0 turns break-glass off.
     * @param cooldown Seconds after an opening during which re-opening on the same patient needs a
     * second reason; 0 never asks for one.
     */
    function setEmergencyPolicy(uint16 dailyLimit, uint40 cooldown) external;

    /// @notice The break-glass policy in force.
    /// @return The daily limit per doctor and the cool-down.
    function emergencyPolicy() external view returns (EmergencyPolicy memory);

    /// @notice How many windows `doctor` has opened today (UTC day of the latest block).
    /// @param doctor The doctor.
    /// @return count Today's openings; the limit is {emergencyPolicy}'s `dailyLimit`.
    function emergencyOpeningsToday(address doctor) external view returns (uint256 count);

    /**
     * @notice Until when a re-opening by `doctor` on `patient` needs a second reason: the previous
     * opening plus the cool-down, or 0 when none is needed now. Lets a client ask for the second
     * reason before the doctor signs.
     * @param patient The patient.
     * @param doctor The doctor.
     * @return until Unix seconds, or 0.
     */
    function emergencySecondReasonUntil(address patient, address doctor) external view returns (uint40 until);
}
