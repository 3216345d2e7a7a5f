// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IConsentRegistry} from "../interfaces/IConsentRegistry.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";
import {PatientRegistry} from "./PatientRegistry.sol";

/// @title ConsentRegistry
/// @notice Grants, requests and revocations: see {IConsentRegistry}. Other modules ask it whether a
/// grant covers a category ({_grantCovers}).
abstract contract ConsentRegistry is ProviderRegistry, PatientRegistry, IConsentRegistry {
    mapping(address patient => mapping(address doctor => Grant)) private _grants;
    mapping(address patient => mapping(address doctor => AccessRequest)) private _requests;

    /// @inheritdoc IConsentRegistry
    function isAuthorized(address patient_, address doctor_, uint8 category) external view returns (bool) {
        if (category >= CATEGORY_LIMIT) return false;
        return isActiveDoctor(doctor_) && _grantCovers(patient_, doctor_, category);
    }

    /// @inheritdoc IConsentRegistry
    function grantOf(address patient_, address doctor_) external view returns (Grant memory) {
        return _grants[patient_][doctor_];
    }

    /// @inheritdoc IConsentRegistry
    function requestOf(address patient_, address doctor_) external view returns (AccessRequest memory) {
        return _requests[patient_][doctor_];
    }

    /// @inheritdoc IConsentRegistry
    function grantAccess(address doctor_, uint32 categories, uint40 expiresAt) external whenNotPaused {
        _requireActivePatient(msg.sender);
        _grant(msg.sender, doctor_, categories, expiresAt, GrantSource.Patient);
    }

    /// @inheritdoc IConsentRegistry
    function grantForAppointment(
        address patient_,
        address doctor_,
        uint32 categories,
        uint40 expiresAt
    ) external whenNotPaused {
        // The book has already checked that `patient_` is the booking (calling) patient.
        if (msg.sender != _appointmentBook() || msg.sender == address(0)) {
            revert ConsentCallerNotAppointmentBook(msg.sender);
        }
        _grant(patient_, doctor_, categories, expiresAt, GrantSource.Appointment);
    }

    /// @inheritdoc IConsentRegistry
    function revokeAccess(address doctor_) external {
        // Deliberately not paused: a patient can always take access away.
        Grant storage g = _grants[msg.sender][doctor_];
        if (g.expiresAt <= block.timestamp) revert ConsentNotFound(msg.sender, doctor_);
        delete _grants[msg.sender][doctor_];
        emit ConsentRevoked(msg.sender, doctor_);
    }

    /// @inheritdoc IConsentRegistry
    function requestAccess(
        address patient_,
        uint32 categories,
        uint40 duration,
        uint16 reasonCode,
        bytes32 reasonHash
    ) external whenNotPaused {
        _requireActiveDoctor(msg.sender);
        _requireActivePatient(patient_);
        if (categories == 0) revert ConsentNoCategories();
        if (duration == 0 || duration > _maxGrantDuration) {
            revert ConsentDurationOutOfRange(duration, _maxGrantDuration);
        }
        _requests[patient_][msg.sender] = AccessRequest({
            categories: categories,
            duration: duration,
            requestedAt: _now(),
            reasonCode: reasonCode
        });
        emit AccessRequested(patient_, msg.sender, categories, duration, reasonCode, reasonHash);
    }

    /// @inheritdoc IConsentRegistry
    function approveRequest(address doctor_) external whenNotPaused {
        _requireActivePatient(msg.sender);
        AccessRequest memory r = _takeRequest(msg.sender, doctor_);
        emit AccessRequestClosed(msg.sender, doctor_, true);
        _grant(msg.sender, doctor_, r.categories, _now() + r.duration, GrantSource.Request);
    }

    /// @inheritdoc IConsentRegistry
    function denyRequest(address doctor_) external {
        // Not paused: denying takes nothing away from the patient's control.
        _takeRequest(msg.sender, doctor_);
        emit AccessRequestClosed(msg.sender, doctor_, false);
    }

    /// @dev Whether the patient's grant to the doctor is unexpired and covers `category` (< 32).
    /// Does not check the doctor's status.
    function _grantCovers(address patient_, address doctor_, uint8 category) internal view returns (bool) {
        Grant storage g = _grants[patient_][doctor_];
        return g.expiresAt > block.timestamp && (g.categories >> category) & 1 == 1;
    }

    function _grant(
        address patient_,
        address doctor_,
        uint32 categories,
        uint40 expiresAt,
        GrantSource source
    ) private {
        _requireActiveDoctor(doctor_);
        if (categories == 0) revert ConsentNoCategories();
        uint40 maxExpiresAt = _now() + _maxGrantDuration;
        if (expiresAt <= block.timestamp || expiresAt > maxExpiresAt) {
            revert ConsentExpiryOutOfRange(expiresAt, maxExpiresAt);
        }
        _grants[patient_][doctor_] = Grant({
            categories: categories,
            expiresAt: expiresAt,
            grantedAt: _now(),
            source: source
        });
        emit ConsentGranted(patient_, doctor_, categories, expiresAt, source);
    }

    function _takeRequest(address patient_, address doctor_) private returns (AccessRequest memory r) {
        r = _requests[patient_][doctor_];
        if (r.requestedAt == 0) revert ConsentRequestNotFound(patient_, doctor_);
        delete _requests[patient_][doctor_];
    }
}
