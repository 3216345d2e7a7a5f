// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IConsentRegistry
 * @notice A patient's consent for a doctor: a bitmask of record categories (bit c covers category
 * c) valid until an expiry bounded by the policy maximum. Doctors may ask; patients approve, deny
 * and revoke. Revoking works while the system is paused.
 */
interface IConsentRegistry {
    /// @notice How a grant came about.
    enum GrantSource {
        None,
        Patient,
        Request,
        Appointment
    }

    struct Grant {
        uint32 categories;
        uint40 expiresAt;
        uint40 grantedAt;
        GrantSource source;
    }

    struct AccessRequest {
        uint32 categories;
        uint40 duration;
        uint40 requestedAt;
        uint16 reasonCode;
    }

    /// @notice The categories bitmask is empty.
    error ConsentNoCategories();
    /// @notice `expiresAt` is not in the future or exceeds now + the policy maximum `maxExpiresAt`.
    error ConsentExpiryOutOfRange(uint40 expiresAt, uint40 maxExpiresAt);
    /// @notice There is no active grant from `patient` to `doctor`.
    error ConsentNotFound(address patient, address doctor);
    /// @notice There is no pending request from `doctor` to `patient`.
    error ConsentRequestNotFound(address patient, address doctor);
    /// @notice The request duration is zero or beyond the policy maximum.
    error ConsentDurationOutOfRange(uint40 duration, uint40 maxDuration);
    /// @notice Only the appointment book may grant on a patient's behalf.
    error ConsentCallerNotAppointmentBook(address caller);

    /// @notice Emitted when a grant is created or replaced.
    event ConsentGranted(
        address indexed patient,
        address indexed doctor,
        uint32 categories,
        uint40 expiresAt,
        GrantSource source
    );
    /// @notice Emitted when the patient revokes a grant.
    event ConsentRevoked(address indexed patient, address indexed doctor);
    /// @notice Emitted when a doctor asks a patient for access. `reasonHash` commits to an
    /// encrypted note kept off-chain; nothing readable goes on-chain.
    event AccessRequested(
        address indexed patient,
        address indexed doctor,
        uint32 categories,
        uint40 duration,
        uint16 reasonCode,
        bytes32 reasonHash
    );
    /// @notice Emitted when the patient approves or denies a request.
    event AccessRequestClosed(address indexed patient, address indexed doctor, bool approved);

    /**
     * @notice Grants `doctor` access to `categories` until `expiresAt`, replacing any existing grant.
     * Requirements: not paused; caller is an active patient; `doctor` is an active doctor;
     * `categories` non-zero; now < `expiresAt` <= now + maxGrantDuration. Emits {ConsentGranted}.
     */
    function grantAccess(address doctor, uint32 categories, uint40 expiresAt) external;

    /**
     * @notice Ends the caller's grant to `doctor` at once. Works while paused.
     * Requirements: an unexpired grant exists. Emits {ConsentRevoked}.
     */
    function revokeAccess(address doctor) external;

    /**
     * @notice A doctor asks `patient` for `categories` for `duration` seconds, replacing any pending
     * request of theirs to this patient.
     * Requirements: not paused; caller is an active doctor; `patient` is active; `categories`
     * non-zero; 0 < `duration` <= maxGrantDuration. Emits {AccessRequested}.
     */
    function requestAccess(
        address patient,
        uint32 categories,
        uint40 duration,
        uint16 reasonCode,
        bytes32 reasonHash
    ) external;

    /**
     * @notice The patient approves `doctor`'s pending request: a grant of the requested categories
     * from now for the requested duration.
     * Requirements: not paused; a request is pending; the doctor is active.
     * Emits {AccessRequestClosed} and {ConsentGranted}.
     */
    function approveRequest(address doctor) external;

    /**
     * @notice The patient denies `doctor`'s pending request. Works while paused.
     * Requirements: a request is pending. Emits {AccessRequestClosed}.
     */
    function denyRequest(address doctor) external;

    /**
     * @notice Grants made while booking an appointment, on the patient's behalf.
     * Requirements: caller is the appointment book; same checks as {grantAccess}.
     */
    function grantForAppointment(address patient, address doctor, uint32 categories, uint40 expiresAt) external;

    /// @notice Whether `doctor` may read `patient`'s records of `category` now: an unexpired grant
    /// covering it, the doctor active. O(1): two storage reads.
    function isAuthorized(address patient, address doctor, uint8 category) external view returns (bool);

    /// @notice The grant from `patient` to `doctor`, expired or not.
    function grantOf(address patient, address doctor) external view returns (Grant memory);

    /// @notice The pending request from `doctor` to `patient`; zero when none.
    function requestOf(address patient, address doctor) external view returns (AccessRequest memory);
}
