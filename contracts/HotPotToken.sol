// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IHotPotToken} from "./interfaces/IHotPotToken.sol";

/// @title HotPotToken
/// @notice See {IHotPotToken}.
contract HotPotToken is IHotPotToken, ERC20, ERC20Burnable, ERC20Permit, Pausable, AccessControl {
    /// @notice Role that mints rewards (the settlement contract).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice Role that burns redeemed or clawed-back points (the settlement contract).
    bytes32 public constant REDEEMER_ROLE = keccak256("REDEEMER_ROLE");
    /// @notice Role that pauses and unpauses the token.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @dev Set for the duration of one `restore`: the only balance change a pause lets through.
    bool private transient _restoring;

    constructor(address admin) ERC20("HotPot Loyalty", "HOTPOT") ERC20Permit("HotPot Loyalty") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IHotPotToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @inheritdoc IHotPotToken
    function restore(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _restoring = true;
        _mint(to, amount);
        _restoring = false;
    }

    /// @inheritdoc IHotPotToken
    function redeem(address account, uint256 amount) external onlyRole(REDEEMER_ROLE) {
        _burn(account, amount);
        emit LoyaltyRedeemed(account, amount, msg.sender);
    }

    /// @inheritdoc IHotPotToken
    function burn(uint256 amount) public override(IHotPotToken, ERC20Burnable) {
        super.burn(amount);
    }

    /// @inheritdoc IHotPotToken
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IHotPotToken
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @dev The single place where balances change: pausing applies to transfers, mints and burns,
    /// all but the mint of a `restore`.
    function _update(address from, address to, uint256 value) internal override {
        if (!_restoring) _requireNotPaused();
        super._update(from, to, value);
    }
}
