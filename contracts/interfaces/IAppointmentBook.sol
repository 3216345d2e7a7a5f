// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IAppointmentBook
 * @notice Doctors publish a weekly availability of 30-minute slots (UTC); patients book a slot,
 * optionally granting the doctor time-limited consent in the same transaction. An appointment is
 * identified by (doctor, start); a slot freed by a cancellation or a decline can be booked again,
 * and `seq` tells the bookings of one slot apart. The core's pause switch pauses the book too
 * (cancellations keep working).
 *
 * A patient's appointments are listed from the events, all indexed by patient: {AppointmentBooked}
 * names each booking (doctor, start, seq), {AppointmentStatusChanged} each later move, and
 * {AppointmentCompleted} the outcome record; {appointmentOf} gives the current state of one slot.
 * The book keeps no per-patient list, so booking writes one storage slot.
 *
 * State machine (anything else reverts with {AppointmentInvalidTransition}):
 *   Booked    --confirm (doctor)--> Confirmed
 *   Booked    --decline (doctor)--> Declined
 *   Booked    --cancel (either)---> Cancelled
 *   Confirmed --cancel (either)---> Cancelled
 *   Confirmed --complete (doctor, at or after start)--> Completed
 */
interface IAppointmentBook {
    /// @notice Where an appointment is in the state machine; None: the slot was never booked.
    enum AppointmentStatus {
        None,
        Booked,
        Confirmed,
        Declined,
        Cancelled,
        Completed
    }

    /// @notice The current booking of one slot (doctor, start).
    struct Appointment {
        /// The patient who booked.
        address patient;
        /// Where the booking is in the state machine; None if never booked.
        AppointmentStatus status;
        /// Booking number of this slot, from 1: tells apart successive bookings of a freed slot.
        uint16 seq;
        /// Outcome record index plus one (0: none), set on completion.
        uint32 outcomeRecord;
    }

    /// @notice A doctor's booking in a calendar page.
    struct DoctorAppointment {
        /// Slot start, Unix time (seconds, UTC), a multiple of 30 minutes.
        uint40 start;
        /// The patient who booked.
        address patient;
        /// Booking number of this slot, from 1.
        uint16 seq;
        /// Current status.
        AppointmentStatus status;
        /// Outcome record index plus one (0: none).
        uint32 outcomeRecord;
    }

    /// @notice The caller is neither the patient nor the doctor of the appointment.
    /// @param caller The caller.
    error AppointmentCallerNotParty(address caller);
    /// @notice The caller is not an active doctor.
    /// @param caller The caller.
    error AppointmentCallerNotDoctor(address caller);
    /// @notice The caller is not an active patient.
    /// @param caller The caller.
    error AppointmentCallerNotPatient(address caller);
    /// @notice `doctor` is not an active doctor.
    /// @param doctor The doctor named.
    error AppointmentDoctorInactive(address doctor);
    /// @notice `start` is not on a slot boundary, is in the past or beyond the booking horizon.
    /// @param start The slot start given, Unix seconds.
    error AppointmentSlotInvalid(uint40 start);
    /// @notice The doctor does not offer the slot at `start` in their weekly availability.
    /// @param doctor The doctor.
    /// @param start The slot start, Unix seconds.
    error AppointmentSlotUnavailable(address doctor, uint40 start);
    /// @notice The slot already has an active booking.
    /// @param doctor The doctor.
    /// @param start The slot start, Unix seconds.
    error AppointmentSlotTaken(address doctor, uint40 start);
    /// @notice There is no appointment at (`doctor`, `start`).
    /// @param doctor The doctor.
    /// @param start The slot start, Unix seconds.
    error AppointmentUnknown(address doctor, uint40 start);
    /// @notice The move from `from` to `to` is not allowed, or not by this caller.
    /// @param from The current status.
    /// @param to The status asked for.
    error AppointmentInvalidTransition(AppointmentStatus from, AppointmentStatus to);
    /// @notice The appointment cannot be completed before it starts.
    /// @param start The slot start, Unix seconds.
    error AppointmentNotStarted(uint40 start);
    /// @notice The outcome record is not the doctor's record for this patient.
    /// @param outcomeRecord The record index plus one given.
    error AppointmentOutcomeInvalid(uint32 outcomeRecord);
    /// @notice The core address is zero.
    error AppointmentCoreInvalid();

    /// @notice Emitted when a doctor publishes their weekly availability.
    /// @param doctor The doctor.
    /// @param schedule Per weekday (0 Monday .. 6 Sunday), a bit mask of offered slots: bit s is the slot starting s * 30 minutes past midnight UTC.
    event WeeklyAvailabilitySet(address indexed doctor, uint48[7] schedule);
    /// @notice Emitted when a patient books: with the patient as a topic, the patient's list of bookings.
    /// @param doctor The doctor booked.
    /// @param start Slot start, Unix seconds (UTC).
    /// @param patient The patient booking.
    /// @param seq Booking number of this slot, from 1.
    event AppointmentBooked(address indexed doctor, uint40 indexed start, address indexed patient, uint16 seq);
    /// @notice Emitted on each later move of the state machine, with the account that made it.
    /// @param doctor The doctor.
    /// @param start Slot start, Unix seconds (UTC).
    /// @param patient The patient of the booking.
    /// @param status The new status.
    /// @param by The account that made the move (patient or doctor).
    event AppointmentStatusChanged(
        address indexed doctor,
        uint40 indexed start,
        address indexed patient,
        AppointmentStatus status,
        address by
    );
    /// @notice Emitted when a doctor completes an appointment; `outcomeRecord` is a record index
    /// plus one (0: none), e.g. a prescription or a test order.
    /// @param doctor The doctor.
    /// @param start Slot start, Unix seconds (UTC).
    /// @param patient The patient of the booking.
    /// @param outcomeRecord Outcome record index plus one (0: none).
    event AppointmentCompleted(
        address indexed doctor,
        uint40 indexed start,
        address indexed patient,
        uint32 outcomeRecord
    );

    /**
     * @notice Publishes the caller's weekly availability: `schedule[d]` (d = 0 Monday .. 6 Sunday) has bit
     * s set when the 30-minute slot starting at s * 30 minutes past midnight UTC is offered.
     * Requirements: caller is an active doctor. Emits {WeeklyAvailabilitySet}.
     * @param schedule Per weekday (0 Monday .. 6 Sunday), a bit mask of offered 30-minute slots (bit s: s * 30 minutes past midnight UTC; bits 0..47).
     */
    function setWeeklyAvailability(uint48[7] calldata schedule) external;

    /**
     * @notice Books the slot at `start` with `doctor`.
     * Requirements: not paused; caller is an active patient; `doctor` active; the slot is on a
     * boundary, in the future, within the booking horizon, offered and free.
     * Emits {AppointmentBooked}.
     * @param doctor The doctor to book.
     * @param start Slot start, Unix seconds (UTC), a multiple of 30 minutes.
     */
    function book(address doctor, uint40 start) external;

    /**
     * @notice Books as {book} and, in the same transaction, grants the doctor `grantCategories` until
     * `grantExpiresAt` (the checks of {IConsentRegistry-grantAccess}).
     * Emits {AppointmentBooked} and {IConsentRegistry-ConsentGranted}.
     * @param doctor The doctor to book.
     * @param start Slot start, Unix seconds (UTC), a multiple of 30 minutes.
     * @param grantCategories Bit mask of record categories granted to the doctor (bit c: category c).
     * @param grantExpiresAt Unix time (seconds) at which the grant expires.
     */
    function bookWithConsent(address doctor, uint40 start, uint32 grantCategories, uint40 grantExpiresAt) external;

    /// @notice The doctor confirms a booked appointment. Emits {AppointmentStatusChanged}.
    /// @param start Slot start of the caller's appointment, Unix seconds.
    function confirm(uint40 start) external;

    /// @notice The doctor declines a booked appointment; the slot is free again.
    /// @param start Slot start of the caller's appointment, Unix seconds.
    function decline(uint40 start) external;

    /// @notice The patient or the doctor cancels a booked or confirmed appointment; the slot is free again.
    /// @param doctor The doctor of the appointment.
    /// @param start Slot start, Unix seconds.
    function cancel(address doctor, uint40 start) external;

    /**
     * @notice The doctor completes a confirmed appointment, at or after its start, optionally pointing
     * to a record of theirs for this patient (index + 1; 0 for none).
     * Emits {AppointmentStatusChanged} and {AppointmentCompleted}.
     * @param start Slot start of the caller's appointment, Unix seconds.
     * @param outcomeRecord Index (from 0) plus one of the doctor's record for this patient; 0 for none.
     */
    function complete(uint40 start, uint32 outcomeRecord) external;

    /// @notice The current booking of the slot (`doctor`, `start`); status None if never booked.
    /// @param doctor The doctor.
    /// @param start Slot start, Unix seconds.
    /// @return The current booking; all zero (status None) if never booked.
    function appointmentOf(address doctor, uint40 start) external view returns (Appointment memory);

    /// @notice The doctor's published weekly availability.
    /// @param doctor The doctor.
    /// @return Per weekday (0 Monday .. 6 Sunday), the bit mask of offered 30-minute slots.
    function weeklyAvailability(address doctor) external view returns (uint48[7] memory);

    /// @notice Whether the slot is offered, in the future, within the horizon and free.
    /// @param doctor The doctor.
    /// @param start Slot start, Unix seconds.
    /// @return True if the slot can be booked now.
    function isSlotFree(address doctor, uint40 start) external view returns (bool);

    /// @notice The doctor's bookings in up to `slotCount` (at most {MAX_CALENDAR_SLOTS}) consecutive
    /// slots from `fromStart` (a slot boundary): a calendar page. Never-booked slots are skipped.
    /// @param doctor The doctor.
    /// @param fromStart First slot start, Unix seconds, a multiple of 30 minutes.
    /// @param slotCount Number of consecutive slots scanned, at most {MAX_CALENDAR_SLOTS}.
    /// @return page The bookings found, in slot order.
    function doctorAppointmentsPage(
        address doctor,
        uint40 fromStart,
        uint256 slotCount
    ) external view returns (DoctorAppointment[] memory page);
}
