// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title Secp256k1
 * @notice Validation and compression of the secp256k1 public keys that users register as their
 * encryption keys (ECIES, eth-crypto). Keys arrive uncompressed (64 bytes: x || y, no 0x04 prefix,
 * the format eth-crypto uses) and are stored compressed (x plus the parity of y) to save a slot.
 */
library Secp256k1 {
    /// @dev The field prime of secp256k1.
    uint256 private constant _P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;

    /**
     * @notice Checks that `publicKey` is a 64-byte point on the curve and compresses it.
     * @return x The x coordinate.
     * @return prefix 0x02 when y is even, 0x03 when y is odd; 0 when the key is invalid.
     */
    function compress(bytes calldata publicKey) internal pure returns (bytes32 x, uint8 prefix) {
        if (publicKey.length != 64) return (bytes32(0), 0);
        uint256 px = uint256(bytes32(publicKey[0:32]));
        uint256 py = uint256(bytes32(publicKey[32:64]));
        // Coordinates must be field elements. The curve check below also rejects the all-zero key:
        // 0 != 0^3 + 7.
        if (px >= _P || py >= _P) return (bytes32(0), 0);
        uint256 lhs = mulmod(py, py, _P);
        uint256 rhs = addmod(mulmod(mulmod(px, px, _P), px, _P), 7, _P);
        if (lhs != rhs) return (bytes32(0), 0);
        return (bytes32(px), uint8(2 + (py & 1)));
    }

    /// @notice The 33-byte compressed form of a stored key, or empty when none is stored.
    function encode(bytes32 x, uint8 prefix) internal pure returns (bytes memory) {
        if (prefix == 0) return "";
        return abi.encodePacked(prefix, x);
    }
}
