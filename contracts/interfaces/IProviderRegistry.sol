// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IProviderRegistry
 * @notice Hospitals and the doctors who work for them. The admin adds hospitals and onboards,
 * suspends and reinstates doctors; a suspended doctor loses every access at once, because every
 * authorization check reads the doctor's status.
 */
interface IProviderRegistry {
    /// @notice A doctor's status.
    enum DoctorStatus {
        None,
        Active,
        Suspended
    }

    /// @notice A hospital as the public sees it.
    struct Hospital {
        /// The address that operates the hospital and holds its role.
        address account;
        /// False while the admin has the hospital suspended.
        bool active;
        /// Unix time (seconds) at which the hospital was added.
        uint40 addedAt;
        /// The hospital's public name.
        string name;
    }

    /// @notice A doctor as the public sees it. Nothing here is patient data.
    struct DoctorView {
        /// The doctor's address.
        address account;
        /// Active or Suspended (None: never onboarded).
        DoctorStatus status;
        /// Id of the doctor's hospital, from 1.
        uint32 hospitalId;
        /// Specialty code from the client's list.
        uint16 specialty;
        /// Unix time (seconds) of onboarding.
        uint40 onboardedAt;
        /// Version of the doctor's encryption key, from 1; 0 before the first {IKeyDirectory-setEncryptionKey}.
        uint32 keyVersion;
        /// keccak256 of the licence id; the id itself is not stored.
        bytes32 licenceHash;
        /// The doctor's public name.
        string name;
        /// Pointer (URI) to the doctor's public professional profile.
        string profileUri;
    }

    /// @notice `hospitalId` does not name a hospital.
    /// @param hospitalId The id given.
    error HospitalUnknown(uint32 hospitalId);
    /// @notice `account` already operates a hospital.
    /// @param account The account given.
    error HospitalAccountTaken(address account);
    /// @notice The hospital is suspended.
    /// @param hospitalId The hospital's id.
    error HospitalInactive(uint32 hospitalId);
    /// @notice The hospital already has this status.
    /// @param hospitalId The hospital's id.
    /// @param active Its current (and requested) status.
    error HospitalStatusUnchanged(uint32 hospitalId, bool active);
    /// @notice An argument is empty, or an account is the zero address or the core itself.
    /// @param field The name of the offending argument.
    error ProviderInvalidInput(string field);
    /// @notice `account` is already a doctor, a patient or a hospital.
    /// @param account The account given.
    error DoctorAccountTaken(address account);
    /// @notice `account` is not an onboarded doctor.
    /// @param account The account given.
    error DoctorUnknown(address account);
    /// @notice `account` is onboarded but suspended.
    /// @param account The doctor.
    error DoctorSuspended(address account);
    /// @notice The doctor is already active (reinstate) or already suspended (suspend).
    /// @param account The doctor.
    /// @param status The doctor's current status.
    error DoctorStatusUnchanged(address account, DoctorStatus status);

    /// @notice Emitted when the admin adds a hospital.
    /// @param hospitalId The new hospital's id, from 1.
    /// @param account The address operating it.
    /// @param name Its public name.
    event HospitalAdded(uint32 indexed hospitalId, address indexed account, string name);
    /// @notice Emitted when the admin suspends or reactivates a hospital.
    /// @param hospitalId The hospital's id.
    /// @param active The new status: false when suspended.
    event HospitalStatusChanged(uint32 indexed hospitalId, bool active);
    /// @notice Emitted when the admin onboards a doctor.
    /// @param doctor The doctor's address.
    /// @param hospitalId Id of the doctor's hospital.
    /// @param specialty Specialty code from the client's list.
    /// @param licenceHash keccak256 of the licence id.
    /// @param name The doctor's public name.
    /// @param profileUri Pointer (URI) to the public professional profile.
    event DoctorOnboarded(
        address indexed doctor,
        uint32 indexed hospitalId,
        uint16 indexed specialty,
        bytes32 licenceHash,
        string name,
        string profileUri
    );
    /// @notice Emitted when the admin suspends a doctor, with a reason code.
    /// @param doctor The doctor.
    /// @param suspended True when suspended, false when reinstated.
    /// @param reasonCode Reason code from the client's list (0 on reinstatement).
    event DoctorSuspensionChanged(address indexed doctor, bool suspended, uint16 reasonCode);

    /**
     * @notice Adds a hospital run from `account`, which receives the hospital role.
     * Requirements: caller is the admin; `account` is non-zero and not yet a hospital; `name` non-empty.
     * Emits {HospitalAdded}.
     * @param account The address that will operate the hospital.
     * @param name The hospital's public name, non-empty.
     * @return hospitalId The new hospital's id, starting at 1.
     */
    function addHospital(address account, string calldata name) external returns (uint32 hospitalId);

    /**
     * @notice Suspends (`active` false) or reactivates a hospital. A suspended hospital cannot have
     * doctors onboarded nor approve patients; the admin tasks suspend its doctors too.
     * Requirements: caller is the admin; the status changes. Emits {HospitalStatusChanged}.
     * @param hospitalId The hospital's id.
     * @param active False to suspend, true to reactivate.
     */
    function setHospitalActive(uint32 hospitalId, bool active) external;

    /**
     * @notice Onboards `doctor` at an active hospital. The licence id is kept only as a hash; the
     * name and profile pointer are public professional information.
     * Requirements: caller is the admin; `doctor` is non-zero and holds no role yet; hospital active.
     * Emits {DoctorOnboarded}.
     * @param doctor The doctor's address.
     * @param hospitalId Id of an active hospital.
     * @param specialty Specialty code from the client's list.
     * @param licenceHash keccak256 of the licence id.
     * @param name The doctor's public name.
     * @param profileUri Pointer (URI) to the public professional profile.
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
     * @param doctor The doctor to suspend.
     * @param reasonCode Reason code from the client's list.
     */
    function suspendDoctor(address doctor, uint16 reasonCode) external;

    /**
     * @notice Reinstates a suspended doctor. Grants that have not expired apply again.
     * Requirements: caller is the admin; the doctor is suspended; their hospital is active.
     * Emits {DoctorSuspensionChanged}.
     * @param doctor The doctor to reinstate.
     */
    function reinstateDoctor(address doctor) external;

    /// @notice The number of hospitals.
    /// @return The number of hospitals ever added; ids run 1..count.
    function hospitalCount() external view returns (uint256);

    /// @notice A hospital by id. Reverts with {HospitalUnknown} for an unknown id.
    /// @param hospitalId The hospital's id, from 1.
    /// @return The hospital.
    function hospital(uint32 hospitalId) external view returns (Hospital memory);

    /// @notice Up to `limit` hospitals starting at id `offset + 1`.
    /// @param offset Number of hospitals to skip (the first returned has id `offset + 1`).
    /// @param limit Maximum number returned.
    /// @return page The hospitals, in id order; shorter (or empty) past the end.
    function hospitalsPage(uint256 offset, uint256 limit) external view returns (Hospital[] memory page);

    /// @notice The id of the hospital `account` operates, or 0.
    /// @param account The address.
    /// @return The hospital id, or 0 if `account` operates none.
    function hospitalIdOf(address account) external view returns (uint32);

    /// @notice The number of onboarded doctors, suspended ones included.
    /// @return The number of doctors ever onboarded.
    function doctorCount() external view returns (uint256);

    /// @notice A doctor by address. Reverts with {DoctorUnknown} for an address never onboarded.
    /// @param account The doctor's address.
    /// @return The doctor's public view.
    function doctor(address account) external view returns (DoctorView memory);

    /// @notice Up to `limit` doctors in onboarding order starting at `offset`.
    /// @param offset Number of doctors to skip, in onboarding order (from 0).
    /// @param limit Maximum number returned.
    /// @return page The doctors; shorter (or empty) past the end.
    function doctorsPage(uint256 offset, uint256 limit) external view returns (DoctorView[] memory page);

    /// @notice Whether `account` is an onboarded doctor who is not suspended.
    /// @param account The address.
    /// @return True if onboarded and not suspended.
    function isActiveDoctor(address account) external view returns (bool);
}
