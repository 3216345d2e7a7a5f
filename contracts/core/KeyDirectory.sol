// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IKeyDirectory} from "../interfaces/IKeyDirectory.sol";
import {Secp256k1} from "../libraries/Secp256k1.sol";
import {PatientRegistry} from "./PatientRegistry.sol";

/// @title KeyDirectory
/// @notice Encryption keys of patients, doctors and the emergency custodian: see {IKeyDirectory}.
abstract contract KeyDirectory is PatientRegistry, IKeyDirectory {
    bytes32 private _custodianX;
    uint8 private _custodianPrefix;
    uint32 private _custodianVersion;

    /// @inheritdoc IKeyDirectory
    function encryptionKeyOf(address account) external view returns (bytes memory publicKey, uint32 keyVersion) {
        PatientState storage p = _patientState(account);
        if (p.status != PatientStatus.None) {
            return (Secp256k1.encode(_patientKeyX[account], p.keyPrefix), p.keyVersion);
        }
        DoctorState storage d = _doctorState(account);
        return (Secp256k1.encode(_doctorKeyX[account], d.keyPrefix), d.keyVersion);
    }

    /// @inheritdoc IKeyDirectory
    function keyBlockOf(address account) external view returns (uint40) {
        PatientState storage p = _patientState(account);
        if (p.status != PatientStatus.None) return p.keyBlock;
        return _doctorState(account).keyBlock;
    }

    /// @inheritdoc IKeyDirectory
    function custodianKey() external view returns (bytes memory publicKey, uint32 keyVersion) {
        return (Secp256k1.encode(_custodianX, _custodianPrefix), _custodianVersion);
    }

    /// @inheritdoc IKeyDirectory
    function setEncryptionKey(bytes calldata publicKey, string calldata keyBackup) external whenNotPaused {
        (bytes32 x, uint8 prefix) = _compressKey(msg.sender, publicKey);
        uint32 version;
        PatientState storage p = _patientState(msg.sender);
        if (p.status != PatientStatus.None) {
            version = p.keyVersion + 1;
            p.keyPrefix = prefix;
            p.keyVersion = version;
            p.keyBlock = uint40(block.number);
            _patientKeyX[msg.sender] = x;
        } else {
            DoctorState storage d = _doctorState(msg.sender);
            if (d.status == DoctorStatus.None) revert EncryptionKeyHolderUnknown(msg.sender);
            if (d.status == DoctorStatus.Suspended) revert DoctorSuspended(msg.sender);
            version = d.keyVersion + 1;
            d.keyPrefix = prefix;
            d.keyVersion = version;
            d.keyBlock = uint40(block.number);
            _doctorKeyX[msg.sender] = x;
        }
        emit EncryptionKeySet(msg.sender, version, keyBackup);
    }

    /// @inheritdoc IKeyDirectory
    function setCustodianKey(bytes calldata publicKey) external onlyAdmin {
        (bytes32 x, uint8 prefix) = _compressKey(address(this), publicKey);
        uint32 version = _custodianVersion + 1;
        _custodianX = x;
        _custodianPrefix = prefix;
        _custodianVersion = version;
        emit EncryptionKeySet(address(this), version, "");
    }
}
