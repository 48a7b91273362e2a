// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "./utils/LeanTest.sol";
import {stdError} from "forge-std/StdError.sol";

import {OrderMathHarness} from "./utils/OrderMathHarness.sol";

contract OrderMathTest is Test {
    uint256 internal constant BPS = 10_000;

    OrderMathHarness internal math;

    function setUp() public {
        math = new OrderMathHarness();
    }

    // ─── split ───────────────────────────────────────────────────────────────────────────────

    function test_split_examples() public view {
        (uint256 net, uint256 fee) = math.split(9_000, 1_000);
        assertEq(fee, 900, "10% of 9,000");
        assertEq(net, 8_100, "rest");
        (net, fee) = math.split(9_999, 1_000);
        assertEq(fee, 999, "fee rounds down");
        assertEq(net, 9_000, "remainder to franchisee");
        (net, fee) = math.split(1, 5_000);
        assertEq(fee, 0, "half a tetri rounds to zero fee");
        assertEq(net, 1, "franchisee keeps the unit");
        (net, fee) = math.split(0, 5_000);
        assertEq(net + fee, 0, "nothing to split");
        (net, fee) = math.split(777, 10_000);
        assertEq(fee, 777, "100% fee");
        assertEq(net, 0, "nothing left");
    }

    function testFuzz_split_sumsExactly(uint256 amount, uint16 feeBps) public view {
        amount = bound(amount, 0, type(uint256).max / BPS);
        feeBps = uint16(bound(feeBps, 0, BPS));
        (uint256 net, uint256 fee) = math.split(amount, feeBps);
        assertEq(net + fee, amount, "franchisee + fee == amount");
        assertLe(fee, (amount * feeBps) / BPS, "fee <= amount * bps / 10000");
        assertEq(fee, (amount * feeBps) / BPS, "fee rounds down exactly");
        assertLe(fee, amount, "fee <= amount");
    }

    function testFuzz_split_uint96AmountsAtFranchiseFees(uint96 amount, uint16 feeBps) public view {
        feeBps = uint16(bound(feeBps, 0, 5_000));
        (uint256 net, uint256 fee) = math.split(amount, feeBps);
        assertEq(net + fee, amount, "no dust");
        assertGe(net, fee, "franchisee gets at least half under MAX_FEE_BPS");
    }

    function test_split_revertsOnOverflow() public {
        vm.expectRevert(stdError.arithmeticError);
        math.split(type(uint256).max, 2);
    }

    // ─── reward / pointsFor / maxDiscount ────────────────────────────────────────────────────

    function testFuzz_reward_linear(uint96 a, uint96 b, uint96 rate) public view {
        uint256 whole = math.reward(uint256(a) + b, rate);
        assertEq(whole, math.reward(a, rate) + math.reward(b, rate), "reward(a + b) == reward(a) + reward(b)");
        assertEq(math.reward(a, rate), uint256(a) * rate, "amount x rate");
    }

    function testFuzz_pointsFor_product(uint96 discount, uint96 rate) public view {
        assertEq(math.pointsFor(discount, rate), uint256(discount) * rate, "discount x rate");
    }

    function testFuzz_maxDiscount_bounds(uint96 price, uint16 bps) public view {
        bps = uint16(bound(bps, 0, BPS));
        uint256 max = math.maxDiscount(price, bps);
        assertLe(max, price, "never above the price");
        assertEq(max, (uint256(price) * bps) / BPS, "rounds down");
        // The largest discount that still satisfies discount * 10000 <= price * bps.
        assertLe(max * BPS, uint256(price) * bps, "within bps");
        assertGt((max + 1) * BPS, uint256(price) * bps, "largest such discount");
    }

    function test_maxDiscount_examples() public view {
        assertEq(math.maxDiscount(10_000, 5_000), 5_000, "half");
        assertEq(math.maxDiscount(3, 5_000), 1, "rounded down");
        assertEq(math.maxDiscount(10_000, 0), 0, "no discount");
        assertEq(math.maxDiscount(10_000, 10_000), 10_000, "full");
    }

    // ─── clawback ────────────────────────────────────────────────────────────────────────────

    function test_clawback_examples() public view {
        assertEq(math.clawback(100e18, 2_500, 10_000), 25e18, "quarter");
        assertEq(math.clawback(100e18, 10_000, 10_000), 100e18, "last refund takes all");
        assertEq(math.clawback(10, 1, 3), 3, "rounds down");
        assertEq(math.clawback(10, 2, 2), 10, "remainder on the emptying refund");
    }

    function test_clawback_revertsWhenNothingRemains() public {
        vm.expectRevert(stdError.divisionError);
        math.clawback(1, 1, 0);
    }

    /// @dev Any sequence of partial refunds that empties the amount claws back exactly the reward.
    function testFuzz_clawback_sequenceSumsToReward(
        uint64 amount,
        uint128 reward,
        uint256 seed,
        uint8 steps
    ) public view {
        amount = uint64(bound(amount, 1, type(uint64).max));
        steps = uint8(bound(steps, 1, 16));
        uint256 remainingAmount = amount;
        uint256 remainingReward = reward;
        uint256 total;
        for (uint256 i; i < steps && remainingAmount != 0; ++i) {
            uint256 part =
                i == steps - 1 ? remainingAmount : bound(uint256(keccak256(abi.encode(seed, i))), 1, remainingAmount);
            uint256 taken = math.clawback(remainingReward, part, remainingAmount);
            assertLe(taken, remainingReward, "never more than what is left");
            assertLe(taken * remainingAmount, remainingReward * part, "pro rata, rounded down");
            total += taken;
            remainingReward -= taken;
            remainingAmount -= part;
        }
        assertEq(remainingAmount, 0, "fully refunded");
        assertEq(total, reward, "clawed back exactly the reward");
        assertEq(remainingReward, 0, "no reward left");
    }
}
