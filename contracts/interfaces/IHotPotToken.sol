// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title HotPot loyalty token
/// @notice ERC-20 (18 decimals) with EIP-2612 permit. Customers earn it when orders settle and
/// burn it for discounts; holders may burn their own tokens; the whole token can be paused.
/// @dev Warning: accounts with MINTER_ROLE create tokens at will and accounts with REDEEMER_ROLE
/// burn any holder's tokens without an allowance. Both roles are meant for the OrderSettlement
/// contract only, which burns a customer's tokens only when that customer redeems them in
/// `placeOrder` or when a card refund claws back the rewards the order earned.
/// @dev Warning: the PAUSER_ROLE freezes every transfer, mint and burn while paused, except
/// `restore`: a minter may give back points that settlement escrowed, so that refunds and reclaims
/// of discounted orders never wait for an unpause. New rewards (`mint`) stay blocked. A minter can
/// therefore create tokens while paused through `restore`; MINTER_ROLE is meant for OrderSettlement
/// alone, which restores only the `pointsRedeemed` it burned when the order was placed.
interface IHotPotToken is IERC20 {
    /// @notice Tokens were burned from `account` by a redeemer (redemption or reward clawback).
    event LoyaltyRedeemed(address indexed account, uint256 amount, address indexed redeemer);

    /// @notice Mint `amount` to `to`. Only MINTER_ROLE.
    function mint(address to, uint256 amount) external;

    /// @notice Give back `amount` of points escrowed by settlement (a refunded or reclaimed order's
    /// discount) to `to`; works while paused. Only MINTER_ROLE.
    function restore(address to, uint256 amount) external;

    /// @notice Burn `amount` from `account` without an allowance. Only REDEEMER_ROLE.
    function redeem(address account, uint256 amount) external;

    /// @notice Burn `amount` of the caller's own tokens.
    function burn(uint256 amount) external;

    /// @notice Stop every transfer, mint and burn, except `restore`. Only PAUSER_ROLE.
    function pause() external;

    /// @notice Resume transfers, mints and burns. Only PAUSER_ROLE.
    function unpause() external;
}
