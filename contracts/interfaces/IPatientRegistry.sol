// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IPatientRegistry
 * @notice Patients register themselves with the public half of their encryption key. Under a
 * deploy-time policy a hospital must approve a registration before the patient can act.
 * Nothing about the patient's identity or health is stored: only status and key material.
 */
interface IPatientRegistry {
    /// @notice A patient's registration status.
    enum PatientStatus {
        None,
        Pending,
        Active
    }

    /// @notice A patient's registration as the contract returns it.
    struct PatientView {
        /// None (unknown), Pending (awaiting a hospital's approval) or Active.
        PatientStatus status;
        /// True if the patient opted out of emergency (break-glass) access.
        bool emergencyOptOut;
        /// Version of the patient's encryption key, from 1.
        uint32 keyVersion;
        /// Number of records in the patient's list.
        uint32 recordCount;
        /// Unix time (seconds) of registration.
        uint40 registeredAt;
        /// Id of the hospital that approved the patient; 0 when no approval was needed or given yet.
        uint32 approvedBy;
    }

    /// @notice `account` has not registered as a patient.
    /// @param account The account given.
    error PatientUnknown(address account);
    /// @notice `account` registered but awaits a hospital's approval.
    /// @param account The pending patient.
    error PatientPending(address account);
    /// @notice `account` is already a patient, a doctor or a hospital.
    /// @param account The account given.
    error PatientAccountTaken(address account);
    /// @notice The patient is not awaiting approval.
    /// @param account The account given.
    error PatientNotPending(address account);
    /// @notice The emergency opt-out already has this value.
    /// @param patient The patient.
    /// @param optOut The current (and requested) value.
    error PatientOptOutUnchanged(address patient, bool optOut);

    /// @notice Emitted when `patient` registers; `status` is Active, or Pending under approval policy.
    /// It announces key version 1 and its backup, as {IKeyDirectory-EncryptionKeySet} does for later ones.
    /// @param patient The patient's address.
    /// @param status Active, or Pending under the approval policy.
    /// @param keyBackup SHA-256 of the encrypted private-key backup (its IPFS raw CID digest).
    event PatientRegistered(address indexed patient, PatientStatus status, bytes32 keyBackup);
    /// @notice Emitted when a hospital approves a pending patient.
    /// @param patient The patient approved.
    /// @param hospitalId Id of the approving hospital.
    /// @param approver The hospital's operating address (the caller).
    event PatientApproved(address indexed patient, uint32 indexed hospitalId, address approver);
    /// @notice Emitted when a patient opts out of (or back into) emergency access.
    /// @param patient The patient.
    /// @param optOut True when opted out, false when opted back in.
    event EmergencyOptOutChanged(address indexed patient, bool optOut);

    /**
     * @notice Registers the caller as a patient with an encryption key and the pointer to its
     * encrypted backup.
     * @param publicKey Uncompressed secp256k1 public key, 64 bytes (x || y), on the curve.
     * @param keyBackup SHA-256 of the encrypted private-key backup, which is also its address in
     * IPFS (a CIDv1, raw codec, sha2-256 multihash, is this digest): a pointer and an integrity check.
     * Requirements: not paused; caller holds no role yet; the key is valid.
     * Emits {PatientRegistered}.
     */
    function registerPatient(bytes calldata publicKey, bytes32 keyBackup) external;

    /**
     * @notice Approves a pending patient. Only needed when the deploy policy requires approval.
     * Requirements: not paused; caller operates an active hospital; the patient is pending.
     * Emits {PatientApproved}.
     * @param patient The pending patient.
     */
    function approvePatient(address patient) external;

    /**
     * @notice Opts the caller out of emergency (break-glass) access, or back in. Opting out is
     * allowed while paused: it only ever takes access away.
     * Requirements: caller is a registered patient; the value changes. Emits {EmergencyOptOutChanged}.
     * @param optOut True to opt out of emergency access, false to opt back in.
     */
    function setEmergencyOptOut(bool optOut) external;

    /// @notice The patient's registration. Status None for an unknown address.
    /// @param account The address.
    /// @return The registration; all zero (status None) for an unknown address.
    function patient(address account) external view returns (PatientView memory);

    /// @notice Whether `account` is a registered, approved patient.
    /// @param account The address.
    /// @return True if registered and not pending.
    function isActivePatient(address account) external view returns (bool);
}
