// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IKycRegistry} from "./interfaces/IKycRegistry.sol";

/// @title KycRegistry
/// @notice See {IKycRegistry}.
contract KycRegistry is IKycRegistry, AccessControl {
    /// @notice Role of the officers who attest and revoke.
    bytes32 public constant KYC_OFFICER_ROLE = keccak256("KYC_OFFICER_ROLE");

    mapping(address account => Attestation) private _attestations;

    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IKycRegistry
    function attest(
        address account,
        uint8 level,
        uint64 expiresAt,
        bytes32 evidenceHash
    ) external onlyRole(KYC_OFFICER_ROLE) {
        if (account == address(0)) revert KycRegistryZeroAccount();
        if (level == 0) revert KycRegistryInvalidLevel(level);
        if (expiresAt <= block.timestamp) revert KycRegistryExpiryNotInFuture(expiresAt, block.timestamp);
        if (evidenceHash == bytes32(0)) revert KycRegistryEmptyEvidence();

        _attestations[account] = Attestation({level: level, expiresAt: expiresAt, evidenceHash: evidenceHash});
        emit KycAttested(account, level, expiresAt, evidenceHash, msg.sender);
    }

    /// @inheritdoc IKycRegistry
    function revoke(address account, bytes32 reasonHash) external onlyRole(KYC_OFFICER_ROLE) {
        if (_attestations[account].level == 0) revert KycRegistryNotAttested(account);

        delete _attestations[account];
        emit KycRevoked(account, reasonHash, msg.sender);
    }

    /// @inheritdoc IKycRegistry
    function isVerified(address account, uint8 minLevel) external view returns (bool) {
        Attestation storage attestation = _attestations[account];
        uint8 required = minLevel == 0 ? 1 : minLevel;
        return attestation.level >= required && attestation.expiresAt > block.timestamp;
    }

    /// @inheritdoc IKycRegistry
    function attestationOf(address account) external view returns (Attestation memory) {
        return _attestations[account];
    }
}
