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
        // feeBps is bounded by the caller to <= BPS, so platformFee <= amount.
        unchecked {
            franchiseeAmount = amount - platformFee;
        }
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

    /// @notice Rewards to claw back when `refundAmount` of the `remainingAmount` not yet refunded
    /// is refunded, given `remainingReward` rewards not yet clawed back.
    /// @dev Rounds down on partial refunds; the refund that empties `remainingAmount` takes all of
    /// `remainingReward`, so after a full refund in any number of steps exactly the whole reward
    /// was clawed back. Requires refundAmount <= remainingAmount and remainingAmount > 0.
    function clawback(
        uint256 remainingReward,
        uint256 refundAmount,
        uint256 remainingAmount
    ) internal pure returns (uint256) {
        if (refundAmount == remainingAmount) return remainingReward;
        return (remainingReward * refundAmount) / remainingAmount;
    }
}
