// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {EhrBase} from "./EhrBase.sol";

/// @title ProviderRegistry
/// @notice Hospitals and doctors: see {IProviderRegistry}. Other modules ask it whether a doctor
/// is active ({isActiveDoctor}, {_requireActiveDoctor}) and which hospital an operator runs.
abstract contract ProviderRegistry is EhrBase, IProviderRegistry {
    /// @dev What only clients read about a doctor; authorization reads the account slot alone.
    struct DoctorProfile {
        bytes32 licenceHash;
        string name;
        string profileUri;
    }

    mapping(address doctor => DoctorProfile) private _profiles;
    address[] private _doctorList;
    Hospital[] private _hospitals;

    /// @inheritdoc IProviderRegistry
    function hospitalCount() external view returns (uint256) {
        return _hospitals.length;
    }

    /// @inheritdoc IProviderRegistry
    function hospital(uint32 hospitalId) external view returns (Hospital memory) {
        return _hospital(hospitalId);
    }

    /// @inheritdoc IProviderRegistry
    function hospitalsPage(uint256 offset, uint256 limit) external view returns (Hospital[] memory page) {
        page = new Hospital[](_pageSize(_hospitals.length, offset, limit));
        for (uint256 i = 0; i < page.length; ++i) page[i] = _hospitals[offset + i];
    }

    /// @inheritdoc IProviderRegistry
    function hospitalIdOf(address account) external view returns (uint32) {
        return _hospitalIdOf(account);
    }

    /// @inheritdoc IProviderRegistry
    function doctorCount() external view returns (uint256) {
        return _doctorList.length;
    }

    /// @inheritdoc IProviderRegistry
    function doctor(address account) external view returns (DoctorView memory) {
        _knownDoctor(account);
        return _doctorView(account);
    }

    /// @inheritdoc IProviderRegistry
    function doctorsPage(uint256 offset, uint256 limit) external view returns (DoctorView[] memory page) {
        page = new DoctorView[](_pageSize(_doctorList.length, offset, limit));
        for (uint256 i = 0; i < page.length; ++i) page[i] = _doctorView(_doctorList[offset + i]);
    }

    /// @inheritdoc IProviderRegistry
    function isActiveDoctor(address account) public view returns (bool) {
        return _statusOf(account) == AccountStatus.DoctorActive;
    }

    /// @inheritdoc IProviderRegistry
    function addHospital(address account, string calldata name) external onlyAdmin returns (uint32 hospitalId) {
        // The core's own address keeps the custodian key and must never hold a role.
        if (account == address(0) || account == address(this)) revert ProviderInvalidInput("account");
        if (bytes(name).length == 0) revert ProviderInvalidInput("name");
        if (_statusOf(account) != AccountStatus.None) revert HospitalAccountTaken(account);
        _hospitals.push(Hospital({account: account, active: true, addedAt: _now(), name: name}));
        hospitalId = uint32(_hospitals.length);
        // Marking the operator account in its slot keeps it from registering as a patient or a doctor.
        _openAccount(account, AccountStatus.Hospital, hospitalId, 0);
        _grantRole(HOSPITAL_ROLE, account);
        emit HospitalAdded(hospitalId, account, name);
    }

    /// @inheritdoc IProviderRegistry
    function setHospitalActive(uint32 hospitalId, bool active) external onlyAdmin {
        Hospital storage h = _hospital(hospitalId);
        if (h.active == active) revert HospitalStatusUnchanged(hospitalId, active);
        h.active = active;
        if (active) _grantRole(HOSPITAL_ROLE, h.account);
        else _revokeRole(HOSPITAL_ROLE, h.account);
        emit HospitalStatusChanged(hospitalId, active);
    }

    /// @inheritdoc IProviderRegistry
    function onboardDoctor(
        address account,
        uint32 hospitalId,
        uint16 specialty,
        bytes32 licenceHash,
        string calldata name,
        string calldata profileUri
    ) external onlyAdmin {
        if (account == address(0) || account == address(this)) revert ProviderInvalidInput("account");
        if (bytes(name).length == 0) revert ProviderInvalidInput("name");
        if (licenceHash == bytes32(0)) revert ProviderInvalidInput("licenceHash");
        if (_statusOf(account) != AccountStatus.None) revert DoctorAccountTaken(account);
        if (!_hospital(hospitalId).active) revert HospitalInactive(hospitalId);
        _openAccount(account, AccountStatus.DoctorActive, hospitalId, specialty);
        _profiles[account] = DoctorProfile({licenceHash: licenceHash, name: name, profileUri: profileUri});
        _doctorList.push(account);
        emit DoctorOnboarded(account, hospitalId, specialty, licenceHash, name, profileUri);
    }

    /// @inheritdoc IProviderRegistry
    function suspendDoctor(address account, uint16 reasonCode) external onlyAdmin {
        if (_knownDoctor(account).status != AccountStatus.DoctorActive) {
            revert DoctorStatusUnchanged(account, DoctorStatus.Suspended);
        }
        _setStatus(account, AccountStatus.DoctorSuspended);
        emit DoctorSuspensionChanged(account, true, reasonCode);
    }

    /// @inheritdoc IProviderRegistry
    function reinstateDoctor(address account) external onlyAdmin {
        Account memory a = _knownDoctor(account);
        if (a.status != AccountStatus.DoctorSuspended) revert DoctorStatusUnchanged(account, DoctorStatus.Active);
        // A doctor of a suspended hospital stays suspended until the hospital is reactivated.
        if (!_hospital(a.hospitalId).active) revert HospitalInactive(a.hospitalId);
        _setStatus(account, AccountStatus.DoctorActive);
        emit DoctorSuspensionChanged(account, false, 0);
    }

    /// @dev Reverts unless `account` is an onboarded doctor who is not suspended.
    function _requireActiveDoctor(address account) internal view {
        AccountStatus status = _statusOf(account);
        // Unknown and suspended mean different things to the user, so they get different errors.
        if (status == AccountStatus.DoctorActive) return;
        if (status == AccountStatus.DoctorSuspended) revert DoctorSuspended(account);
        revert DoctorUnknown(account);
    }

    /// @dev The hospital an operator account runs; 0 for any other account.
    function _hospitalIdOf(address account) internal view returns (uint32) {
        Account memory a = _account(account);
        return a.status == AccountStatus.Hospital ? a.hospitalId : 0;
    }

    function _hospital(uint32 hospitalId) private view returns (Hospital storage) {
        if (hospitalId == 0 || hospitalId > _hospitals.length) revert HospitalUnknown(hospitalId);
        return _hospitals[hospitalId - 1];
    }

    function _knownDoctor(address account) private view returns (Account memory a) {
        a = _account(account);
        if (a.status != AccountStatus.DoctorActive && a.status != AccountStatus.DoctorSuspended) {
            revert DoctorUnknown(account);
        }
    }

    function _doctorView(address account) private view returns (DoctorView memory) {
        Account memory a = _account(account);
        DoctorProfile storage p = _profiles[account];
        return
            DoctorView({
                account: account,
                status: a.status == AccountStatus.DoctorActive ? DoctorStatus.Active : DoctorStatus.Suspended,
                hospitalId: a.hospitalId,
                specialty: a.specialty,
                onboardedAt: a.since,
                keyVersion: a.keyVersion,
                licenceHash: p.licenceHash,
                name: p.name,
                profileUri: p.profileUri
            });
    }
}
