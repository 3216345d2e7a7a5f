// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IEmergencyAccess
 * @notice Break-glass access: an active doctor opens, for the policy's fixed window (at most 24 h),
 * access to a patient's general details and record summaries, stating a reason code and a hash of
 * a written justification. The patient and the admin see it at once (events); the admin reviews
 * each one. Patients may opt out (see {IPatientRegistry-setEmergencyOptOut}).
 */
interface IEmergencyAccess {
    struct EmergencyWindow {
        uint40 openedAt;
        uint40 expiresAt;
        uint64 id;
    }

    /// @notice The patient opted out of emergency access.
    error EmergencyOptedOut(address patient);
    /// @notice `doctor` already has an open window on `patient`, until `expiresAt`.
    error EmergencyAlreadyOpen(address patient, address doctor, uint40 expiresAt);
    /// @notice The justification hash is zero or the reason code is 0.
    error EmergencyJustificationMissing();
    /// @notice `id` does not name an emergency access.
    error EmergencyUnknown(uint256 id);
    /// @notice The emergency access `id` was already reviewed.
    error EmergencyAlreadyReviewed(uint256 id);

    /// @notice Emitted when a doctor opens emergency access; `id` counts from 1.
    event EmergencyAccessOpened(
        uint256 indexed id,
        address indexed patient,
        address indexed doctor,
        uint16 reasonCode,
        bytes32 justificationHash,
        uint40 expiresAt
    );
    /// @notice Emitted when the admin reviews emergency access `id`.
    event EmergencyAccessReviewed(uint256 indexed id, address indexed reviewer, bool justified, bytes32 notesHash);

    /**
     * @notice Opens emergency access to `patient` for the policy window.
     * Requirements: not paused; caller is an active doctor; the patient is active and has not opted
     * out; no window of the caller on this patient is open; reason and justification given.
     * Emits {EmergencyAccessOpened}.
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
     */
    function reviewEmergencyAccess(uint256 id, bool justified, bytes32 notesHash) external;

    /// @notice Whether `doctor` has an open emergency window on `patient` now (and is active, and
    /// the patient has not opted out since).
    function hasEmergencyAccess(address patient, address doctor) external view returns (bool);

    /// @notice The latest emergency window of `doctor` on `patient`, open or not.
    function emergencyWindowOf(address patient, address doctor) external view returns (EmergencyWindow memory);

    /// @notice The number of emergency accesses ever opened (ids run 1..count).
    function emergencyCount() external view returns (uint256);

    /// @notice Whether emergency access `id` has been reviewed.
    function isEmergencyReviewed(uint256 id) external view returns (bool);
}
