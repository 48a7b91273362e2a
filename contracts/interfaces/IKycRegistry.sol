// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title KYC attestations for The Hot Pot Spot
/// @notice Records, per account, that a KYC officer verified its holder's identity at some level
/// until some time. No personal data lives here: `evidenceHash` commits to the encrypted identity
/// documents kept off chain, so an auditor holding the documents can prove what was checked.
/// @dev Warning: KYC officers are trusted to attest only after verifying documents; an officer key
/// can attest or revoke any account. The admin can grant and revoke the officer role.
interface IKycRegistry {
    /// @notice An attestation as stored for one account.
    /// @param level Verification level, 1 (basic) upwards; 0 means none.
    /// @param expiresAt Unix time after which the attestation no longer counts.
    /// @param evidenceHash Commitment to the encrypted evidence stored off chain.
    struct Attestation {
        uint8 level;
        uint64 expiresAt;
        bytes32 evidenceHash;
    }

    /// @notice An officer attested `account` (new attestation or replacement of an older one).
    event KycAttested(
        address indexed account,
        uint8 level,
        uint64 expiresAt,
        bytes32 evidenceHash,
        address indexed officer
    );

    /// @notice An officer revoked the attestation of `account`.
    event KycRevoked(address indexed account, bytes32 reasonHash, address indexed officer);

    /// @notice The account is the zero address.
    error KycRegistryZeroAccount();
    /// @notice The level is 0, which would mean "not verified".
    error KycRegistryInvalidLevel(uint8 level);
    /// @notice The expiry is not in the future.
    error KycRegistryExpiryNotInFuture(uint64 expiresAt, uint256 nowTimestamp);
    /// @notice The evidence hash is empty: every attestation must commit to its evidence.
    error KycRegistryEmptyEvidence();
    /// @notice The account has no attestation to revoke.
    error KycRegistryNotAttested(address account);

    /// @notice Attest `account` at `level` until `expiresAt`, committing to `evidenceHash`.
    /// @dev Replaces any earlier attestation of the account. Only KYC officers.
    function attest(address account, uint8 level, uint64 expiresAt, bytes32 evidenceHash) external;

    /// @notice Remove the attestation of `account`; `reasonHash` commits to the off-chain reason.
    /// @dev Only KYC officers. Reverts if the account has no attestation.
    function revoke(address account, bytes32 reasonHash) external;

    /// @notice Whether `account` holds an unexpired attestation of at least `minLevel`.
    /// @dev `minLevel` 0 is treated as 1: "verified" always means some attestation exists.
    function isVerified(address account, uint8 minLevel) external view returns (bool);

    /// @notice The stored attestation of `account` (all zero when there is none).
    function attestationOf(address account) external view returns (Attestation memory);
}
