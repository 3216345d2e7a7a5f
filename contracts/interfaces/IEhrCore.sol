// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IProviderRegistry} from "./IProviderRegistry.sol";
import {IKeyDirectory} from "./IKeyDirectory.sol";
import {IPatientRegistry} from "./IPatientRegistry.sol";
import {IConsentRegistry} from "./IConsentRegistry.sol";
import {IRecordRegistry} from "./IRecordRegistry.sol";
import {IEmergencyAccess} from "./IEmergencyAccess.sol";
import {IAccessLog} from "./IAccessLog.sol";

/**
 * @title IEhrCore
 * @notice The whole shared record's rules in one deployed contract, so that the hot path (a read's
 * authorization and its audit entry) costs storage reads, not calls between contracts.
 * @dev The interfaces are listed in the order {EhrCore} lists their modules (a patient registers
 * with a key, so the key directory comes before the patient registry), as C3 linearization needs.
 */
interface IEhrCore is
    IAccessControlDefaultAdminRules,
    IProviderRegistry,
    IKeyDirectory,
    IPatientRegistry,
    IConsentRegistry,
    IRecordRegistry,
    IEmergencyAccess,
    IAccessLog
{
    /// @notice Deploy-time policy.
    struct Policy {
        /// Longest grant or access request allowed, in seconds.
        uint40 maxGrantDuration;
        /// Length of an emergency (break-glass) window, in seconds; at most 24 hours.
        uint40 emergencyWindow;
        /// Whether a new patient needs a hospital's approval before acting.
        bool requireHospitalApproval;
    }

    /// @notice A policy value is out of range (`emergencyWindow` 0 or over 24 h, `maxGrantDuration` 0).
    error PolicyInvalid();
    /// @notice The appointment book is already set, or the address is zero.
    error AppointmentBookAlreadySet();

    /// @notice The system is paused (the same error as OpenZeppelin's Pausable).
    error EnforcedPause();
    /// @notice The system is not paused.
    error ExpectedPause();

    /// @notice Emitted once, when the admin links the appointment book.
    /// @param book The appointment book's address.
    event AppointmentBookSet(address book);
    /// @notice Emitted when the admin pauses the system.
    /// @param account The admin who paused.
    event Paused(address account);
    /// @notice Emitted when the admin ends a pause.
    /// @param account The admin who unpaused.
    event Unpaused(address account);

    /// @notice Links the appointment book (once). Caller: the admin. Emits {AppointmentBookSet}.
    /// @param book The appointment book's address, non-zero.
    function setAppointmentBook(address book) external;

    /// @notice Stops writes (grants, records, emergencies, access logging); revocations, denials,
    /// opt-outs, suspensions and every read keep working. Caller: the admin.
    function pause() external;

    /// @notice Ends a pause. Caller: the admin.
    function unpause() external;

    /// @notice Whether the system is paused.
    /// @return True while paused.
    function paused() external view returns (bool);

    /**
     * @notice What the appointment book needs in one call: whether `patient` is an active patient
     * and `doctor` an active doctor. Reverts with {EnforcedPause} while paused, so one switch
     * pauses the whole system.
     * @param patient The patient address.
     * @param doctor The doctor address.
     * @return patientActive True if `patient` is an active patient.
     * @return doctorActive True if `doctor` is an active doctor.
     */
    function appointmentParties(
        address patient,
        address doctor
    ) external view returns (bool patientActive, bool doctorActive);

    /// @notice The deploy-time policy.
    /// @return The deploy-time policy.
    function policy() external view returns (Policy memory);

    /// @notice The linked appointment book.
    /// @return The appointment book's address; zero until linked.
    function appointmentBook() external view returns (address);
}
