// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IPatientRegistry
 * @notice Patients register themselves with the public half of their encryption key. Under a
 * deploy-time policy a hospital must approve a registration before the patient can act.
 * Nothing about the patient's identity or health is stored: only status and key material.
 */
interface IPatientRegistry {
    enum PatientStatus {
        None,
        Pending,
        Active
    }

    struct PatientView {
        PatientStatus status;
        bool emergencyOptOut;
        uint32 keyVersion;
        uint32 recordCount;
        uint40 registeredAt;
        uint32 approvedBy;
    }

    /// @notice `account` has not registered as a patient.
    error PatientUnknown(address account);
    /// @notice `account` registered but awaits a hospital's approval.
    error PatientPending(address account);
    /// @notice `account` is already a patient, a doctor or a hospital.
    error PatientAccountTaken(address account);
    /// @notice The patient is not awaiting approval.
    error PatientNotPending(address account);
    /// @notice The emergency opt-out already has this value.
    error PatientOptOutUnchanged(address patient, bool optOut);

    /// @notice Emitted when `patient` registers; `status` is Active, or Pending under approval policy.
    /// It announces key version 1 and its backup, as {IKeyDirectory-EncryptionKeySet} does for later ones.
    event PatientRegistered(address indexed patient, PatientStatus status, bytes32 keyBackup);
    /// @notice Emitted when a hospital approves a pending patient.
    event PatientApproved(address indexed patient, uint32 indexed hospitalId, address approver);
    /// @notice Emitted when a patient opts out of (or back into) emergency access.
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
     */
    function approvePatient(address patient) external;

    /**
     * @notice Opts the caller out of emergency (break-glass) access, or back in. Opting out is
     * allowed while paused: it only ever takes access away.
     * Requirements: caller is a registered patient; the value changes. Emits {EmergencyOptOutChanged}.
     */
    function setEmergencyOptOut(bool optOut) external;

    /// @notice The patient's registration. Status None for an unknown address.
    function patient(address account) external view returns (PatientView memory);

    /// @notice Whether `account` is a registered, approved patient.
    function isActivePatient(address account) external view returns (bool);
}
