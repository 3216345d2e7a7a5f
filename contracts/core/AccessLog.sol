// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessLog} from "../interfaces/IAccessLog.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";
import {ConsentRegistry} from "./ConsentRegistry.sol";
import {RecordRegistry} from "./RecordRegistry.sol";
import {EmergencyAccess} from "./EmergencyAccess.sol";

/// @title AccessLog
/// @notice The audit trail of reads: see {IAccessLog}. A read's basis is a grant ({ConsentRegistry})
/// or an open emergency window ({EmergencyAccess}) over a record ({RecordRegistry}).
abstract contract AccessLog is ProviderRegistry, ConsentRegistry, RecordRegistry, EmergencyAccess, IAccessLog {
    /// @inheritdoc IAccessLog
    function accessBasis(
        address patient_,
        address reader,
        uint256 index,
        bool summaryOnly
    ) external view returns (AccessBasis) {
        // A pause makes {logAccess} revert, so nothing may be read: the answer is None.
        if (_paused()) return AccessBasis.None;
        return _accessBasis(patient_, reader, index, summaryOnly);
    }

    /// @inheritdoc IAccessLog
    function logAccess(
        address patient_,
        uint256 index,
        bool summaryOnly
    ) external whenNotPaused returns (AccessBasis basis) {
        return _logAccess(patient_, index, summaryOnly);
    }

    /// @inheritdoc IAccessLog
    function openEmergencyAccessAndLog(
        address patient_,
        uint16 reasonCode,
        bytes32 justificationHash,
        uint256[] calldata indexes
    ) external whenNotPaused returns (uint256 id) {
        id = _openEmergency(patient_, reasonCode, justificationHash);
        _logEmergencyReads(patient_, indexes);
    }

    /// @inheritdoc IAccessLog
    function logEmergencyReads(address patient_, uint256[] calldata indexes) external whenNotPaused {
        _logEmergencyReads(patient_, indexes);
    }

    /// @dev Logs the caller's read of one record part, or reverts with {AccessUnauthorized}.
    function _logAccess(address patient_, uint256 index, bool summaryOnly) private returns (AccessBasis basis) {
        basis = _accessBasis(patient_, msg.sender, index, summaryOnly);
        if (basis == AccessBasis.None) revert AccessUnauthorized(patient_, msg.sender, index, summaryOnly);
        emit RecordAccessed(patient_, msg.sender, index, basis, summaryOnly);
    }

    /// @dev The emergency card's reads: a general-details record in full, any other record's summary.
    function _logEmergencyReads(address patient_, uint256[] calldata indexes) private {
        for (uint256 i = 0; i < indexes.length; ++i) {
            bool summaryOnly = _recordCategory(patient_, indexes[i]) != GENERAL_DETAILS_CATEGORY;
            _logAccess(patient_, indexes[i], summaryOnly);
        }
    }

    /// @dev A grant covering the record's category allows the record and its summary; an open
    /// emergency window allows general-details records and any summary that exists.
    function _accessBasis(
        address patient_,
        address reader,
        uint256 index,
        bool summaryOnly
    ) private view returns (AccessBasis) {
        (bool exists, uint8 category, bool hasSummary) = _recordFacts(patient_, index);
        // A missing record, or a summary the record does not have, is never a read to log.
        if (!exists || (summaryOnly && !hasSummary) || !isActiveDoctor(reader)) return AccessBasis.None;
        if (_grantCovers(patient_, reader, category)) return AccessBasis.Grant;
        bool emergencyCovers = summaryOnly || category == GENERAL_DETAILS_CATEGORY;
        if (emergencyCovers && _emergencyOpen(patient_, reader)) return AccessBasis.Emergency;
        return AccessBasis.None;
    }
}
