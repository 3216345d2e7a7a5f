// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKeyDirectory} from "../interfaces/IKeyDirectory.sol";
import {Secp256k1} from "../libraries/Secp256k1.sol";
import {PatientRegistry} from "./PatientRegistry.sol";

/// @title KeyDirectory
/// @notice Encryption keys of patients, doctors and the emergency custodian: see {IKeyDirectory}.
abstract contract KeyDirectory is PatientRegistry, IKeyDirectory {
    /// @inheritdoc IKeyDirectory
    function encryptionKeyOf(address account) external view returns (bytes memory publicKey, uint32 keyVersion) {
        Account storage a = _accounts[account];
        return (Secp256k1.encode(_keyX[account], a.keyPrefix), a.keyVersion);
    }

    /// @inheritdoc IKeyDirectory
    function keyBlockOf(address account) external view returns (uint40) {
        return _accounts[account].keyBlock;
    }

    /// @inheritdoc IKeyDirectory
    function custodianKey() external view returns (bytes memory publicKey, uint32 keyVersion) {
        Account storage a = _accounts[address(this)];
        return (Secp256k1.encode(_keyX[address(this)], a.keyPrefix), a.keyVersion);
    }

    /// @inheritdoc IKeyDirectory
    function setEncryptionKey(bytes calldata publicKey, bytes32 keyBackup) external whenNotPaused {
        Account storage a = _accounts[msg.sender];
        AccountStatus status = a.status;
        if (status == AccountStatus.DoctorSuspended) revert DoctorSuspended(msg.sender);
        // A hospital's operator account acts for the hospital and reads no records, so it holds no key.
        if (status == AccountStatus.None || status == AccountStatus.Hospital) {
            revert EncryptionKeyHolderUnknown(msg.sender);
        }
        _setKey(a, msg.sender, publicKey, keyBackup);
    }

    /// @inheritdoc IKeyDirectory
    function setCustodianKey(bytes calldata publicKey) external onlyAdmin {
        // The custodian's key is kept under the core's own address, which never holds a role.
        _setKey(_accounts[address(this)], address(this), publicKey, bytes32(0));
    }

    function _setKey(Account storage a, address account, bytes calldata publicKey, bytes32 keyBackup) private {
        (bytes32 x, uint8 prefix) = _compressKey(account, publicKey);
        uint32 version = a.keyVersion + 1;
        a.keyPrefix = prefix;
        a.keyVersion = version;
        a.keyBlock = uint40(block.number);
        _keyX[account] = x;
        emit EncryptionKeySet(account, version, keyBackup);
    }
}
