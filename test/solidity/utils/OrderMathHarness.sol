// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OrderMath} from "../../../contracts/libraries/OrderMath.sol";

/// @notice Exposes OrderMath's internal functions so they can be fuzzed directly.
contract OrderMathHarness {
    function split(uint256 amount, uint16 feeBps) external pure returns (uint256, uint256) {
        return OrderMath.split(amount, feeBps);
    }

    function reward(uint256 amount, uint256 rewardPerUnit) external pure returns (uint256) {
        return OrderMath.reward(amount, rewardPerUnit);
    }

    function cappedReward(
        uint256 paid,
        uint256 rewardPerUnit,
        uint256 platformFee,
        uint256 pointsPerDiscountUnit
    ) external pure returns (uint256) {
        return OrderMath.cappedReward(paid, rewardPerUnit, platformFee, pointsPerDiscountUnit);
    }

    function takeUpTo(uint256 owed, uint256 available) external pure returns (uint256, uint256) {
        return OrderMath.takeUpTo(owed, available);
    }

    function maxDiscount(uint256 price, uint16 maxDiscountBps) external pure returns (uint256) {
        return OrderMath.maxDiscount(price, maxDiscountBps);
    }

    function pointsFor(uint256 discount, uint256 pointsPerDiscountUnit) external pure returns (uint256) {
        return OrderMath.pointsFor(discount, pointsPerDiscountUnit);
    }
}
