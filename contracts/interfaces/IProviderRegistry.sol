// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IProviderRegistry
 * @notice Hospitals and the doctors who work for them. The admin adds hospitals and onboards,
 * suspends and reinstates doctors; a suspended doctor loses every access at once, because every
 * authorization check reads the doctor's status.
 */
interface IProviderRegistry {
    enum DoctorStatus {
        None,
        Active,
        Suspended
    }

    struct Hospital {
        address account;
        bool active;
        uint40 addedAt;
        string name;
    }

    /// @notice A doctor as the public sees it. Nothing here is patient data.
    struct DoctorView {
        address account;
        DoctorStatus status;
        uint32 hospitalId;
        uint16 specialty;
        uint40 onboardedAt;
        uint32 keyVersion;
        bytes32 licenceHash;
        string name;
        string profileUri;
    }

    /// @notice `hospitalId` does not name a hospital.
    error HospitalUnknown(uint32 hospitalId);
    /// @notice `account` already operates a hospital.
    error HospitalAccountTaken(address account);
    /// @notice The hospital is suspended.
    error HospitalInactive(uint32 hospitalId);
    /// @notice The hospital already has this status.
    error HospitalStatusUnchanged(uint32 hospitalId, bool active);
    /// @notice An argument is empty, or an account is the zero address or the core itself.
    error ProviderInvalidInput(string field);
    /// @notice `account` is already a doctor, a patient or a hospital.
    error DoctorAccountTaken(address account);
    /// @notice `account` is not an onboarded doctor.
    error DoctorUnknown(address account);
    /// @notice `account` is onboarded but suspended.
    error DoctorSuspended(address account);
    /// @notice The doctor is already active (reinstate) or already suspended (suspend).
    error DoctorStatusUnchanged(address account, DoctorStatus status);

    /// @notice Emitted when the admin adds a hospital.
    event HospitalAdded(uint32 indexed hospitalId, address indexed account, string name);
    /// @notice Emitted when the admin suspends or reactivates a hospital.
    event HospitalStatusChanged(uint32 indexed hospitalId, bool active);
    /// @notice Emitted when the admin onboards a doctor.
    event DoctorOnboarded(
        address indexed doctor,
        uint32 indexed hospitalId,
        uint16 indexed specialty,
        bytes32 licenceHash,
        string name,
        string profileUri
    );
    /// @notice Emitted when the admin suspends a doctor, with a reason code.
    event DoctorSuspensionChanged(address indexed doctor, bool suspended, uint16 reasonCode);

    /**
     * @notice Adds a hospital run from `account`, which receives the hospital role.
     * Requirements: caller is the admin; `account` is non-zero and not yet a hospital; `name` non-empty.
     * Emits {HospitalAdded}.
     * @return hospitalId The new hospital's id, starting at 1.
     */
    function addHospital(address account, string calldata name) external returns (uint32 hospitalId);

    /**
     * @notice Suspends (`active` false) or reactivates a hospital. A suspended hospital cannot have
     * doctors onboarded nor approve patients; the admin tasks suspend its doctors too.
     * Requirements: caller is the admin; the status changes. Emits {HospitalStatusChanged}.
     */
    function setHospitalActive(uint32 hospitalId, bool active) external;

    /**
     * @notice Onboards `doctor` at an active hospital. The licence id is kept only as a hash; the
     * name and profile pointer are public professional information.
     * Requirements: caller is the admin; `doctor` is non-zero and holds no role yet; hospital active.
     * Emits {DoctorOnboarded}.
     */
    function onboardDoctor(
        address doctor,
        uint32 hospitalId,
        uint16 specialty,
        bytes32 licenceHash,
        string calldata name,
        string calldata profileUri
    ) external;

    /**
     * @notice Suspends an active doctor: from this block on every grant, emergency window and
     * appointment of theirs stops authorizing anything.
     * Requirements: caller is the admin; the doctor is active. Works while paused.
     * Emits {DoctorSuspensionChanged}.
     */
    function suspendDoctor(address doctor, uint16 reasonCode) external;

    /**
     * @notice Reinstates a suspended doctor. Grants that have not expired apply again.
     * Requirements: caller is the admin; the doctor is suspended; their hospital is active.
     * Emits {DoctorSuspensionChanged}.
     */
    function reinstateDoctor(address doctor) external;

    /// @notice The number of hospitals.
    function hospitalCount() external view returns (uint256);

    /// @notice A hospital by id. Reverts with {HospitalUnknown} for an unknown id.
    function hospital(uint32 hospitalId) external view returns (Hospital memory);

    /// @notice Up to `limit` hospitals starting at id `offset + 1`.
    function hospitalsPage(uint256 offset, uint256 limit) external view returns (Hospital[] memory page);

    /// @notice The id of the hospital `account` operates, or 0.
    function hospitalIdOf(address account) external view returns (uint32);

    /// @notice The number of onboarded doctors, suspended ones included.
    function doctorCount() external view returns (uint256);

    /// @notice A doctor by address. Reverts with {DoctorUnknown} for an address never onboarded.
    function doctor(address account) external view returns (DoctorView memory);

    /// @notice Up to `limit` doctors in onboarding order starting at `offset`.
    function doctorsPage(uint256 offset, uint256 limit) external view returns (DoctorView[] memory page);

    /// @notice Whether `account` is an onboarded doctor who is not suspended.
    function isActiveDoctor(address account) external view returns (bool);
}
