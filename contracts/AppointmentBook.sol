// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAppointmentBook} from "./interfaces/IAppointmentBook.sol";
import {IEhrCore} from "./interfaces/IEhrCore.sol";

/**
 * @title AppointmentBook
 * @notice Weekly availability and bookings: see {IAppointmentBook}. It reads roles from the core
 * and asks the core to record a consent given while booking; the core reads confirmed
 * appointments back to let a doctor write records during the visit.
 */
contract AppointmentBook is IAppointmentBook {
    uint40 public constant SLOT_DURATION = 30 minutes;
    /// @notice How far ahead a slot can be booked.
    uint40 public constant BOOKING_HORIZON = 180 days;
    /// @notice The most slots one calendar page reads: one week.
    uint256 public constant MAX_CALENDAR_SLOTS = 7 * 48;

    /// @dev The current booking of a slot, in one storage slot. A patient's list of bookings is not
    /// kept on-chain: clients read it from the events indexed by patient (see {IAppointmentBook}).
    struct Booking {
        address patient;
        AppointmentStatus status;
        uint16 seq;
        uint32 outcomeRecord;
    }

    IEhrCore public immutable core;

    mapping(address doctor => uint48[7] schedule) private _availability;
    mapping(address doctor => mapping(uint40 start => Booking)) private _bookings;

    constructor(IEhrCore core_) {
        if (address(core_) == address(0)) revert AppointmentCoreInvalid();
        core = core_;
    }

    /// @dev Also reverts while the core is paused: one switch pauses the whole system.
    modifier onlyActiveDoctor() {
        // A suspended doctor can no longer confirm, decline or complete; either side can still cancel.
        (, bool doctorActive) = core.appointmentParties(address(0), msg.sender);
        if (!doctorActive) revert AppointmentCallerNotDoctor(msg.sender);
        _;
    }

    /// @inheritdoc IAppointmentBook
    function appointmentOf(address doctor, uint40 start) external view returns (Appointment memory) {
        Booking storage b = _bookings[doctor][start];
        return Appointment({patient: b.patient, status: b.status, seq: b.seq, outcomeRecord: b.outcomeRecord});
    }

    /// @inheritdoc IAppointmentBook
    function weeklyAvailability(address doctor) external view returns (uint48[7] memory) {
        return _availability[doctor];
    }

    /// @inheritdoc IAppointmentBook
    function isSlotFree(address doctor, uint40 start) external view returns (bool) {
        return _slotProblem(doctor, start) == 0 && !_isActive(_bookings[doctor][start].status);
    }

    /// @inheritdoc IAppointmentBook
    function doctorAppointmentsPage(
        address doctor,
        uint40 fromStart,
        uint256 slotCount
    ) external view returns (DoctorAppointment[] memory page) {
        if (fromStart % SLOT_DURATION != 0) revert AppointmentSlotInvalid(fromStart);
        if (slotCount > MAX_CALENDAR_SLOTS) slotCount = MAX_CALENDAR_SLOTS;
        DoctorAppointment[] memory found = new DoctorAppointment[](slotCount);
        uint256 n;
        for (uint256 i = 0; i < slotCount; ++i) {
            uint40 start = fromStart + uint40(i) * SLOT_DURATION;
            Booking storage b = _bookings[doctor][start];
            if (b.status == AppointmentStatus.None) continue;
            found[n++] = DoctorAppointment({
                start: start,
                patient: b.patient,
                seq: b.seq,
                status: b.status,
                outcomeRecord: b.outcomeRecord
            });
        }
        // Trim the array to the bookings found.
        assembly ("memory-safe") {
            mstore(found, n)
        }
        return found;
    }

    /// @inheritdoc IAppointmentBook
    function setWeeklyAvailability(uint48[7] calldata schedule) external onlyActiveDoctor {
        _availability[msg.sender] = schedule;
        emit WeeklyAvailabilitySet(msg.sender, schedule);
    }

    /// @inheritdoc IAppointmentBook
    function book(address doctor, uint40 start) external {
        _book(doctor, start);
    }

    /// @inheritdoc IAppointmentBook
    function bookWithConsent(address doctor, uint40 start, uint32 grantCategories, uint40 grantExpiresAt) external {
        _book(doctor, start);
        core.grantForAppointment(msg.sender, doctor, grantCategories, grantExpiresAt);
    }

    /// @inheritdoc IAppointmentBook
    function confirm(uint40 start) external onlyActiveDoctor {
        Booking storage b = _existing(msg.sender, start);
        _move(b, AppointmentStatus.Booked, AppointmentStatus.Confirmed);
        emit AppointmentStatusChanged(msg.sender, start, b.patient, AppointmentStatus.Confirmed, msg.sender);
    }

    /// @inheritdoc IAppointmentBook
    function decline(uint40 start) external onlyActiveDoctor {
        Booking storage b = _existing(msg.sender, start);
        _move(b, AppointmentStatus.Booked, AppointmentStatus.Declined);
        emit AppointmentStatusChanged(msg.sender, start, b.patient, AppointmentStatus.Declined, msg.sender);
    }

    /// @inheritdoc IAppointmentBook
    function cancel(address doctor, uint40 start) external {
        // Not paused: either side can always call an appointment off.
        Booking storage b = _existing(doctor, start);
        if (msg.sender != b.patient && msg.sender != doctor) revert AppointmentCallerNotParty(msg.sender);
        if (!_isActive(b.status)) revert AppointmentInvalidTransition(b.status, AppointmentStatus.Cancelled);
        b.status = AppointmentStatus.Cancelled;
        emit AppointmentStatusChanged(doctor, start, b.patient, AppointmentStatus.Cancelled, msg.sender);
    }

    /// @inheritdoc IAppointmentBook
    function complete(uint40 start, uint32 outcomeRecord) external onlyActiveDoctor {
        Booking storage b = _existing(msg.sender, start);
        _move(b, AppointmentStatus.Confirmed, AppointmentStatus.Completed);
        if (block.timestamp < start) revert AppointmentNotStarted(start);
        address patient = b.patient;
        if (outcomeRecord != 0) {
            // The outcome must be one of this doctor's own records for this patient.
            if (
                outcomeRecord > core.recordCount(patient) ||
                core.recordOf(patient, outcomeRecord - 1).author != msg.sender
            ) revert AppointmentOutcomeInvalid(outcomeRecord);
            b.outcomeRecord = outcomeRecord;
        }
        emit AppointmentStatusChanged(msg.sender, start, patient, AppointmentStatus.Completed, msg.sender);
        emit AppointmentCompleted(msg.sender, start, patient, outcomeRecord);
    }

    function _book(address doctor, uint40 start) private {
        (bool patientActive, bool doctorActive) = core.appointmentParties(msg.sender, doctor);
        if (!patientActive) revert AppointmentCallerNotPatient(msg.sender);
        if (!doctorActive) revert AppointmentDoctorInactive(doctor);
        uint256 problem = _slotProblem(doctor, start);
        if (problem == 1) revert AppointmentSlotInvalid(start);
        if (problem == 2) revert AppointmentSlotUnavailable(doctor, start);
        Booking storage b = _bookings[doctor][start];
        if (_isActive(b.status) || b.status == AppointmentStatus.Completed) revert AppointmentSlotTaken(doctor, start);
        uint16 seq = b.seq + 1;
        _bookings[doctor][start] = Booking({
            patient: msg.sender,
            status: AppointmentStatus.Booked,
            seq: seq,
            outcomeRecord: 0
        });
        emit AppointmentBooked(doctor, start, msg.sender, seq);
    }

    function _existing(address doctor, uint40 start) private view returns (Booking storage b) {
        b = _bookings[doctor][start];
        if (b.status == AppointmentStatus.None) revert AppointmentUnknown(doctor, start);
    }

    function _move(Booking storage b, AppointmentStatus from, AppointmentStatus to) private {
        if (b.status != from) revert AppointmentInvalidTransition(b.status, to);
        b.status = to;
    }

    /// @dev 0 when `start` is a bookable slot of `doctor`; 1 when it is off-boundary, past or beyond
    /// the horizon; 2 when the doctor does not offer it.
    function _slotProblem(address doctor, uint40 start) private view returns (uint256) {
        if (start % SLOT_DURATION != 0 || start <= block.timestamp || start > block.timestamp + BOOKING_HORIZON) {
            return 1;
        }
        // 1970-01-01 was a Thursday: shifting by 3 days makes Monday day 0.
        uint256 day = (uint256(start) / 1 days + 3) % 7;
        uint256 slot = (uint256(start) % 1 days) / SLOT_DURATION;
        return (_availability[doctor][day] >> slot) & 1 == 1 ? 0 : 2;
    }

    function _isActive(AppointmentStatus status) private pure returns (bool) {
        return status == AppointmentStatus.Booked || status == AppointmentStatus.Confirmed;
    }
}
