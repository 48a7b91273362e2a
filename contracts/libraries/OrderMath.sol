// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title OrderMath
/// @notice Pure money arithmetic of order settlement. Every function is exact to the smallest
/// unit: what one party does not get, the other does; nothing is created or lost by rounding.
library OrderMath {
    uint256 internal constant BPS = 10_000;

    /// @notice Split `amount` into the franchisee's share and the platform fee.
    /// @dev The fee rounds down, so any remainder of the division goes to the franchisee and
    /// `franchiseeAmount + platformFee == amount` always holds.
    function split(
        uint256 amount,
        uint16 feeBps
    ) internal pure returns (uint256 franchiseeAmount, uint256 platformFee) {
        platformFee = (amount * feeBps) / BPS;
        // Checked, so that a fee above 100 % can never wrap into a huge franchisee share; callers
        // keep feeBps <= BPS anyway (FranchiseNFT caps fees at 50 %).
        franchiseeAmount = amount - platformFee;
    }

    /// @notice Loyalty reward for paying `amount` at `rewardPerUnit` loyalty wei per unit.
    function reward(uint256 amount, uint256 rewardPerUnit) internal pure returns (uint256) {
        return amount * rewardPerUnit;
    }

    /// @notice Largest discount a price admits at `maxDiscountBps` (rounded down).
    function maxDiscount(uint256 price, uint16 maxDiscountBps) internal pure returns (uint256) {
        return (price * maxDiscountBps) / BPS;
    }

    /// @notice Loyalty points burned for `discount` units of discount.
    function pointsFor(uint256 discount, uint256 pointsPerDiscountUnit) internal pure returns (uint256) {
        return discount * pointsPerDiscountUnit;
    }
}
