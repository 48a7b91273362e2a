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

    /// @notice Reward of a token order: `paid` × `rewardPerUnit`, but never more points than the
    /// platform fee buys back as discount (`platformFee` × `pointsPerDiscountUnit`).
    /// @dev Why a cap and not a minimum fee: a fee floor would have to be checked wherever a fee or
    /// a rate changes (FranchiseNFT.setFee, setCurrency), across two contracts and per currency,
    /// and a rate change would strand restaurants below the floor. The cap is decided at the one
    /// place points are minted, from the fee actually paid, so it holds whatever the settings:
    /// points redeemed at this currency's rate are worth at most what the platform took, so buying
    /// from one's own restaurant never yields points worth more than the fee it cost. A zero fee
    /// earns no points; a currency without a points price (`pointsPerDiscountUnit` 0) rewards none.
    function cappedReward(
        uint256 paid,
        uint256 rewardPerUnit,
        uint256 platformFee,
        uint256 pointsPerDiscountUnit
    ) internal pure returns (uint256) {
        uint256 uncapped = paid * rewardPerUnit;
        uint256 cap = platformFee * pointsPerDiscountUnit;
        return uncapped < cap ? uncapped : cap;
    }

    /// @notice Takes up to `owed` from `available`: what is taken and what is still owed.
    /// @dev A card refund's clawback takes from the customer's balance (the rest becomes loyalty
    /// debt); points coming back from escrow repay debt first (`owed` = debt, `available` = the
    /// points, `taken` = repaid, and the points restored are `available - taken`).
    function takeUpTo(uint256 owed, uint256 available) internal pure returns (uint256 taken, uint256 stillOwed) {
        taken = owed < available ? owed : available;
        // `taken <= owed` by construction.
        unchecked {
            stillOwed = owed - taken;
        }
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
