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

    /// @notice A patient's grant to one doctor.
    struct Grant {
        /// Bit mask of record categories covered: bit c covers category c.
        uint32 categories;
        /// Unix time (seconds) at which the grant stops authorizing.
        uint40 expiresAt;
        /// Unix time (seconds) at which the grant was made.
        uint40 grantedAt;
        /// How the grant came about.
        GrantSource source;
    }

    /// @notice A doctor's pending request to one patient.
    struct AccessRequest {
        /// Bit mask of record categories asked for: bit c covers category c.
        uint32 categories;
        /// Requested grant length, in seconds from approval.
        uint40 duration;
        /// Unix time (seconds) of the request; 0 when none is pending.
        uint40 requestedAt;
        /// Reason code from the client's list.
        uint16 reasonCode;
    }

    /// @notice The categories bitmask is empty.
    error ConsentNoCategories();
    /// @notice `expiresAt` is not in the future or exceeds now + the policy maximum `maxExpiresAt`.
    /// @param expiresAt The requested expiry, Unix seconds.
    /// @param maxExpiresAt The latest allowed expiry: now + maxGrantDuration, Unix seconds.
    error ConsentExpiryOutOfRange(uint40 expiresAt, uint40 maxExpiresAt);
    /// @notice There is no active grant from `patient` to `doctor`.
    /// @param patient The patient.
    /// @param doctor The doctor.
    error ConsentNotFound(address patient, address doctor);
    /// @notice There is no pending request from `doctor` to `patient`.
    /// @param patient The patient.
    /// @param doctor The doctor.
    error ConsentRequestNotFound(address patient, address doctor);
    /// @notice The request duration is zero or beyond the policy maximum.
    /// @param duration The requested duration, in seconds.
    /// @param maxDuration The policy's maxGrantDuration, in seconds.
    error ConsentDurationOutOfRange(uint40 duration, uint40 maxDuration);
    /// @notice Only the appointment book may grant on a patient's behalf.
    /// @param caller The caller.
    error ConsentCallerNotAppointmentBook(address caller);

    /// @notice Emitted when a grant is created or replaced.
    /// @param patient The patient granting.
    /// @param doctor The doctor granted access.
    /// @param categories Bit mask of record categories covered (bit c: category c).
    /// @param expiresAt Unix time (seconds) at which the grant expires.
    /// @param source How the grant came about.
    event ConsentGranted(
        address indexed patient,
        address indexed doctor,
        uint32 categories,
        uint40 expiresAt,
        GrantSource source
    );
    /// @notice Emitted when the patient revokes a grant.
    /// @param patient The patient revoking.
    /// @param doctor The doctor whose grant ends.
    event ConsentRevoked(address indexed patient, address indexed doctor);
    /// @notice Emitted when a doctor asks a patient for access. `reasonHash` commits to an
    /// encrypted note kept off-chain; nothing readable goes on-chain.
    /// @param patient The patient asked.
    /// @param doctor The doctor asking.
    /// @param categories Bit mask of record categories asked for (bit c: category c).
    /// @param duration Requested grant length, in seconds.
    /// @param reasonCode Reason code from the client's list.
    /// @param reasonHash keccak256 of the encrypted reason note kept off-chain.
    event AccessRequested(
        address indexed patient,
        address indexed doctor,
        uint32 categories,
        uint40 duration,
        uint16 reasonCode,
        bytes32 reasonHash
    );
    /// @notice Emitted when the patient approves or denies a request.
    /// @param patient The patient.
    /// @param doctor The requesting doctor.
    /// @param approved True if approved (a grant follows), false if denied.
    event AccessRequestClosed(address indexed patient, address indexed doctor, bool approved);

    /**
     * @notice Grants `doctor` access to `categories` until `expiresAt`, replacing any existing grant.
     * Requirements: not paused; caller is an active patient; `doctor` is an active doctor;
     * `categories` non-zero; now < `expiresAt` <= now + maxGrantDuration. Emits {ConsentGranted}.
     * @param doctor The doctor to grant.
     * @param categories Bit mask of record categories (bit c: category c); non-zero.
     * @param expiresAt Unix time (seconds) at which the grant expires.
     */
    function grantAccess(address doctor, uint32 categories, uint40 expiresAt) external;

    /**
     * @notice Ends the caller's grant to `doctor` at once. Works while paused.
     * Requirements: an unexpired grant exists. Emits {ConsentRevoked}.
     * @param doctor The doctor whose grant ends.
     */
    function revokeAccess(address doctor) external;

    /**
     * @notice A doctor asks `patient` for `categories` for `duration` seconds, replacing any pending
     * request of theirs to this patient.
     * Requirements: not paused; caller is an active doctor; `patient` is active; `categories`
     * non-zero; 0 < `duration` <= maxGrantDuration. Emits {AccessRequested}.
     * @param patient The patient asked.
     * @param categories Bit mask of record categories asked for (bit c: category c); non-zero.
     * @param duration Requested grant length, in seconds.
     * @param reasonCode Reason code from the client's list.
     * @param reasonHash keccak256 of the encrypted reason note kept off-chain.
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
     * @param doctor The doctor whose pending request is approved.
     */
    function approveRequest(address doctor) external;

    /**
     * @notice The patient denies `doctor`'s pending request. Works while paused.
     * Requirements: a request is pending. Emits {AccessRequestClosed}.
     * @param doctor The doctor whose pending request is denied.
     */
    function denyRequest(address doctor) external;

    /**
     * @notice Grants made while booking an appointment, on the patient's behalf.
     * Requirements: caller is the appointment book; same checks as {grantAccess}.
     * @param patient The patient booking, on whose behalf the grant is made.
     * @param doctor The doctor booked.
     * @param categories Bit mask of record categories (bit c: category c); non-zero.
     * @param expiresAt Unix time (seconds) at which the grant expires.
     */
    function grantForAppointment(address patient, address doctor, uint32 categories, uint40 expiresAt) external;

    /// @notice Whether `doctor` may read `patient`'s records of `category` now: an unexpired grant
    /// covering it, the doctor active. O(1): two storage reads.
    /// @param patient The patient.
    /// @param doctor The doctor.
    /// @param category The record category, 0 to 31.
    /// @return True if an unexpired grant covers `category` and the doctor is active.
    function isAuthorized(address patient, address doctor, uint8 category) external view returns (bool);

    /// @notice The grant from `patient` to `doctor`, expired or not.
    /// @param patient The patient.
    /// @param doctor The doctor.
    /// @return The grant; all zero when none was ever made.
    function grantOf(address patient, address doctor) external view returns (Grant memory);

    /// @notice The pending request from `doctor` to `patient`; zero when none.
    /// @param patient The patient.
    /// @param doctor The doctor.
    /// @return The pending request; all zero when none.
    function requestOf(address patient, address doctor) external view returns (AccessRequest memory);
}
