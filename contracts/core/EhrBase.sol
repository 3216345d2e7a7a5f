// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IEhrCore} from "../interfaces/IEhrCore.sol";
import {IKeyDirectory} from "../interfaces/IKeyDirectory.sol";
import {Secp256k1} from "../libraries/Secp256k1.sol";

/**
 * @title EhrBase
 * @notice Roles, policy, the pause switch and the account slot shared by every module of
 * {EhrCore}. The modules form one inheritance line (providers, patients, keys, consent, records,
 * emergency, access log), each owning its private storage and exposing internal helpers to the
 * modules after it.
 *
 * Gas is spent on storage reads and writes, so state that every check reads is packed: one slot
 * per account (patient or doctor, status and key metadata and record counter) and one slot for
 * the system (pause flag, emergency counter, appointment book, break-glass policy).
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

    mapping(address account => Account) internal _accounts;
    /// @dev The x coordinate of each account's encryption key; the parity lives in the account slot.
    mapping(address account => bytes32 x) internal _keyX;
    SystemState internal _system;

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

    /// @dev Validates and compresses an encryption key, reverting for `account` when invalid.
    function _compressKey(address account, bytes calldata publicKey) internal pure returns (bytes32 x, uint8 prefix) {
        (x, prefix) = Secp256k1.compress(publicKey);
        if (prefix == 0) revert IKeyDirectory.EncryptionKeyInvalid(account);
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
