// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IKeyDirectory
 * @notice The public encryption keys of patients, doctors and the emergency custodian (the
 * off-chain service that re-wraps emergency keys). Keys are set from the owner's own address.
 */
interface IKeyDirectory {
    /// @notice The key is not 64 bytes, is zero, or is not a point on secp256k1.
    /// @param account The account whose key was rejected.
    error EncryptionKeyInvalid(address account);
    /// @notice Only registered patients and onboarded doctors hold encryption keys.
    /// @param account The caller, neither a registered patient nor an onboarded doctor.
    error EncryptionKeyHolderUnknown(address account);

    /// @notice Emitted each time `account` sets or rotates its key; `keyBackup` is the SHA-256 (and
    /// IPFS raw CID digest) of the encrypted private-key backup, zero for the custodian. The key itself is read with
    /// {encryptionKeyOf}: storage keeps it compressed, and the event stays small.
    /// @param account The key holder; the core's own address for the custodian.
    /// @param keyVersion The key's version, from 1, incremented at each rotation.
    /// @param keyBackup SHA-256 of the encrypted private-key backup (its IPFS raw CID digest); zero for the custodian.
    event EncryptionKeySet(address indexed account, uint32 indexed keyVersion, bytes32 keyBackup);

    /**
     * @notice Sets or rotates the caller's encryption key. Doctors call this once after onboarding;
     * patients call it to rotate. Records already wrapped to the old key must be re-wrapped by clients.
     * Requirements: not paused; caller is a patient or a doctor (a suspended doctor cannot);
     * the key is valid. Emits {EncryptionKeySet}.
     * @param publicKey Uncompressed secp256k1 public key, 64 bytes (x || y), on the curve.
     * @param keyBackup SHA-256 of the encrypted private-key backup, also its IPFS raw CID digest.
     */
    function setEncryptionKey(bytes calldata publicKey, bytes32 keyBackup) external;

    /**
     * @notice Publishes the emergency custodian's public key.
     * Requirements: caller is the admin; the key is valid. Emits {EncryptionKeySet} for address(this).
     * @param publicKey The custodian's uncompressed secp256k1 public key, 64 bytes (x || y).
     */
    function setCustodianKey(bytes calldata publicKey) external;

    /**
     * @notice The compressed (33-byte) encryption key of `account` and its version; empty and 0 when
     * the account has none.
     * @param account The key holder.
     * @return publicKey The compressed 33-byte key, empty when none.
     * @return keyVersion The key's version, from 1; 0 when none.
     */
    function encryptionKeyOf(address account) external view returns (bytes memory publicKey, uint32 keyVersion);

    /// @notice The block in which `account` last set its key: where to find its backup pointer.
    /// @param account The key holder.
    /// @return The block number of the account's latest {EncryptionKeySet}, 0 when none.
    function keyBlockOf(address account) external view returns (uint40);

    /// @notice The custodian's compressed key and version; empty when not yet published.
    /// @return publicKey The custodian's compressed 33-byte key, empty when not yet published.
    /// @return keyVersion The custodian key's version, from 1; 0 when not yet published.
    function custodianKey() external view returns (bytes memory publicKey, uint32 keyVersion);
}
