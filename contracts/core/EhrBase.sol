// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IEhrCore} from "../interfaces/IEhrCore.sol";

/**
 * @title EhrBase
 * @notice Roles, policy, the pause switch and the two packed slots every module of {EhrCore} reads:
 * one per account and one for the system. The modules are siblings composed in {EhrCore}; each
 * inherits only the modules it uses and keeps its own storage private behind internal functions.
 *
 * Gas is spent on storage reads and writes, so the facts that most checks read together share a
 * slot: an account's status, key metadata, record counter and emergency opt-out (one read
 * authorizes a doctor or a patient), and the pause flag with the emergency counter and policy (one
 * read per break-glass opening). Those two slots are private here and every fact in them is read and
 * written through one function below, named for the fact; the module that owns the fact is the only
 * one that writes it (keys: {KeyDirectory}, the record counter: {RecordRegistry}, the opt-out:
 * {PatientRegistry}, the emergency counter and policy: {EmergencyAccess}).
 */
abstract contract EhrBase is AccessControlDefaultAdminRules {
    /// @notice Held by the operator account of each hospital.
    bytes32 public constant HOSPITAL_ROLE = keccak256("HOSPITAL_ROLE");
    /// @notice The category of a patient's general details (name, contacts, allergies...): the one
    /// full record an emergency window opens, besides summaries.
    uint8 public constant GENERAL_DETAILS_CATEGORY = 0;
    /// @notice Record categories are bits of a uint32 mask.
    uint8 public constant CATEGORY_LIMIT = 32;
    /// @notice The longest emergency window any policy may set.
    uint40 public constant MAX_EMERGENCY_WINDOW = 24 hours;

    /// @dev An address is at most one of these: a patient, a doctor or a hospital's operator account.
    enum AccountStatus {
        None,
        PatientPending,
        PatientActive,
        DoctorActive,
        DoctorSuspended,
        Hospital
    }

    /// @dev One slot per account. `hospitalId` is a doctor's hospital, the hospital an operator
    /// account runs, or the hospital that approved a patient; `specialty` is a doctor's;
    /// `recordCount`, `emergencyOptOut` and `emergencyOptOutAt` (the last opt-out, which closes every
    /// window opened before it for good) a patient's.
    struct Account {
        AccountStatus status;
        uint8 keyPrefix;
        bool emergencyOptOut;
        uint32 keyVersion;
        uint40 keyBlock;
        uint40 since;
        uint32 recordCount;
        uint32 hospitalId;
        uint16 specialty;
        uint40 emergencyOptOutAt;
    }

    /// @dev One slot: what many transactions read or bump together. Opening an emergency window reads
    /// the pause flag and bumps the counter anyway, so the break-glass policy rides in the same slot
    /// for free (four billion openings outlast any deployment; checked arithmetic would revert first).
    struct SystemState {
        bool paused;
        uint32 emergencyCount;
        address appointmentBook;
        uint16 emergencyDailyLimit;
        uint40 emergencyCooldown;
    }

    uint40 internal immutable _maxGrantDuration;
    uint40 internal immutable _emergencyWindow;
    bool internal immutable _requireHospitalApproval;

    mapping(address account => Account) private _accounts;
    /// @dev The x coordinate of each account's encryption key; the parity lives in the account slot.
    mapping(address account => bytes32 x) private _keyX;
    SystemState private _system;

    constructor(
        address admin,
        uint48 adminTransferDelay,
        IEhrCore.Policy memory policy_
    ) AccessControlDefaultAdminRules(adminTransferDelay, admin) {
        // A window of zero would make emergencies useless; one over 24 h is not "break-glass".
        if (
            policy_.maxGrantDuration == 0 ||
            policy_.emergencyWindow == 0 ||
            policy_.emergencyWindow > MAX_EMERGENCY_WINDOW
        ) revert IEhrCore.PolicyInvalid();
        _maxGrantDuration = policy_.maxGrantDuration;
        _emergencyWindow = policy_.emergencyWindow;
        _requireHospitalApproval = policy_.requireHospitalApproval;
    }

    modifier onlyAdmin() {
        _checkRole(DEFAULT_ADMIN_ROLE);
        _;
    }

    modifier whenNotPaused() {
        _requireNotPaused();
        _;
    }

    /// @dev Reverts with {IEhrCore-EnforcedPause} while paused.
    function _requireNotPaused() internal view {
        if (_system.paused) revert IEhrCore.EnforcedPause();
    }

    /// @dev A copy of the whole account slot, for views and checks that read several of its facts.
    function _account(address account) internal view returns (Account memory) {
        return _accounts[account];
    }

    /// @dev The account's role and status; None for an unknown address.
    function _statusOf(address account) internal view returns (AccountStatus) {
        return _accounts[account].status;
    }

    /// @dev Gives an unknown account its role: the one place an account slot is first written
    /// (hospital operators and doctors by {ProviderRegistry}, patients by {PatientRegistry}).
    function _openAccount(address account, AccountStatus status, uint32 hospitalId, uint16 specialty) internal {
        Account storage a = _accounts[account];
        a.status = status;
        a.since = _now();
        a.hospitalId = hospitalId;
        a.specialty = specialty;
    }

    /// @dev Moves an account between statuses of its role (suspension, approval).
    function _setStatus(address account, AccountStatus status) internal {
        _accounts[account].status = status;
    }

    /// @dev Records the hospital that approved a patient ({PatientRegistry}).
    function _setHospitalId(address account, uint32 hospitalId) internal {
        _accounts[account].hospitalId = hospitalId;
    }

    /// @dev The account's compressed encryption key and its version; zero when none.
    function _keyOf(address account) internal view returns (bytes32 x, uint8 prefix, uint32 version) {
        Account storage a = _accounts[account];
        return (_keyX[account], a.keyPrefix, a.keyVersion);
    }

    /// @dev The block of the account's latest key.
    function _keyBlockOf(address account) internal view returns (uint40) {
        return _accounts[account].keyBlock;
    }

    /// @dev Stores a validated, compressed key as the account's next version ({KeyDirectory-_setKey}).
    function _storeKey(address account, bytes32 x, uint8 prefix) internal returns (uint32 version) {
        Account storage a = _accounts[account];
        version = a.keyVersion + 1;
        a.keyPrefix = prefix;
        a.keyVersion = version;
        a.keyBlock = uint40(block.number);
        _keyX[account] = x;
    }

    /// @dev How many records the patient has.
    function _recordCountOf(address patient) internal view returns (uint256) {
        return _accounts[patient].recordCount;
    }

    /// @dev The index of the patient's next record, counted as taken ({RecordRegistry}).
    function _takeRecordIndex(address patient) internal returns (uint256 index) {
        Account storage a = _accounts[patient];
        index = a.recordCount;
        a.recordCount = uint32(index + 1);
    }

    /// @dev What break-glass checks read of an account in one slot read: its status, whether it has
    /// opted out of emergency access, and the time of its last opt-out.
    function _emergencyStateOf(
        address patient
    ) internal view returns (AccountStatus status, bool optedOut, uint40 lastOptOutAt) {
        Account storage a = _accounts[patient];
        return (a.status, a.emergencyOptOut, a.emergencyOptOutAt);
    }

    /// @dev Sets the patient's opt-out; opting out also stamps the time ({PatientRegistry}).
    function _setEmergencyOptOut(address patient, bool optOut) internal {
        Account storage a = _accounts[patient];
        a.emergencyOptOut = optOut;
        if (optOut) a.emergencyOptOutAt = _now();
    }

    /// @dev Whether writes are paused.
    function _paused() internal view returns (bool) {
        return _system.paused;
    }

    /// @dev Sets the pause flag ({EhrCore}).
    function _setPaused(bool paused_) internal {
        _system.paused = paused_;
    }

    /// @dev The linked appointment book; zero until linked.
    function _appointmentBook() internal view returns (address) {
        return _system.appointmentBook;
    }

    /// @dev Links the appointment book ({EhrCore}).
    function _setAppointmentBook(address book) internal {
        _system.appointmentBook = book;
    }

    /// @dev How many emergency windows were ever opened.
    function _emergencyCount() internal view returns (uint256) {
        return _system.emergencyCount;
    }

    /// @dev The id of a new emergency window, counted ({EmergencyAccess}).
    function _nextEmergencyId() internal returns (uint256) {
        return ++_system.emergencyCount;
    }

    /// @dev The break-glass policy's openings per doctor per UTC day.
    function _emergencyDailyLimit() internal view returns (uint16) {
        return _system.emergencyDailyLimit;
    }

    /// @dev The break-glass policy's second-reason cool-down, in seconds.
    function _emergencyCooldown() internal view returns (uint40) {
        return _system.emergencyCooldown;
    }

    /// @dev Stores a validated break-glass policy ({EmergencyAccess}).
    function _setEmergencyLimits(uint16 dailyLimit, uint40 cooldown) internal {
        _system.emergencyDailyLimit = dailyLimit;
        _system.emergencyCooldown = cooldown;
    }

    /// @dev Now, as the 40-bit timestamps storage packs.
    function _now() internal view returns (uint40) {
        return uint40(block.timestamp);
    }

    /// @dev `limit` clipped to what is left after `offset` in a list of `total`.
    function _pageSize(uint256 total, uint256 offset, uint256 limit) internal pure returns (uint256) {
        if (offset >= total) return 0;
        uint256 left = total - offset;
        return left < limit ? left : limit;
    }
}
