// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKeyDirectory} from "../interfaces/IKeyDirectory.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {Secp256k1} from "../libraries/Secp256k1.sol";
import {EhrBase} from "./EhrBase.sol";

/// @title KeyDirectory
/// @notice Encryption keys of patients, doctors and the emergency custodian: see {IKeyDirectory}.
/// Every key, a patient's first one at registration included, is set by {_setKey}.
abstract contract KeyDirectory is EhrBase, IKeyDirectory {
    /// @inheritdoc IKeyDirectory
    function encryptionKeyOf(address account) external view returns (bytes memory publicKey, uint32 keyVersion) {
        return _encodedKeyOf(account);
    }

    /// @inheritdoc IKeyDirectory
    function keyBlockOf(address account) external view returns (uint40) {
        return _keyBlockOf(account);
    }

    /// @inheritdoc IKeyDirectory
    function custodianKey() external view returns (bytes memory publicKey, uint32 keyVersion) {
        return _encodedKeyOf(address(this));
    }

    /// @inheritdoc IKeyDirectory
    function setEncryptionKey(bytes calldata publicKey, bytes32 keyBackup) external whenNotPaused {
        AccountStatus status = _statusOf(msg.sender);
        if (status == AccountStatus.DoctorSuspended) revert IProviderRegistry.DoctorSuspended(msg.sender);
        // A hospital's operator account acts for the hospital and reads no records, so it holds no key.
        if (status == AccountStatus.None || status == AccountStatus.Hospital) {
            revert EncryptionKeyHolderUnknown(msg.sender);
        }
        emit EncryptionKeySet(msg.sender, _setKey(msg.sender, publicKey), keyBackup);
    }

    /// @inheritdoc IKeyDirectory
    function setCustodianKey(bytes calldata publicKey) external onlyAdmin {
        // The custodian's key is kept under the core's own address, which never holds a role.
        emit EncryptionKeySet(address(this), _setKey(address(this), publicKey), bytes32(0));
    }

    /// @dev Validates `publicKey` (64 bytes, on the curve), reverting for `account` when invalid, and
    /// stores it compressed as the account's next version. The caller emits the event that carries
    /// the backup pointer ({EncryptionKeySet}, or {IPatientRegistry-PatientRegistered} for version 1).
    function _setKey(address account, bytes calldata publicKey) internal returns (uint32 version) {
        (bytes32 x, uint8 prefix) = Secp256k1.compress(publicKey);
        if (prefix == 0) revert EncryptionKeyInvalid(account);
        return _storeKey(account, x, prefix);
    }

    function _encodedKeyOf(address account) private view returns (bytes memory publicKey, uint32 keyVersion) {
        (bytes32 x, uint8 prefix, uint32 version) = _keyOf(account);
        return (Secp256k1.encode(x, prefix), version);
    }
}
