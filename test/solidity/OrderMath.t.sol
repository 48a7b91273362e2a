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

    /// @dev split is checked now: a fee above 100 % reverts (panic 0x11) instead of wrapping the
    /// franchisee's share round to ~2^256.
    function test_split_revertsWhenFeeAboveHundredPercent() public {
        vm.expectRevert(stdError.arithmeticError);
        math.split(10_000, 10_001);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        math.split(9_000, type(uint16).max);
        vm.expectRevert(stdError.arithmeticError);
        math.split(1, 20_000);
    }

    /// @dev ...but only once the fee rounds to more than the amount: a fee above 100 % that rounds
    /// down to the whole amount (tiny amounts, or zero) still returns, with nothing for the
    /// franchisee. Never a wrapped amount either way.
    function test_split_feeAboveHundredPercentThatRoundsToTheAmountReturns() public view {
        (uint256 net, uint256 fee) = math.split(9_000, 10_001);
        assertEq(fee, 9_000, "9,000.9 tetri rounds down to 9,000");
        assertEq(net, 0, "nothing left");
        (net, fee) = math.split(1, 19_999);
        assertEq(fee, 1, "1.9999 rounds down to 1");
        assertEq(net, 0, "nothing left");
        (net, fee) = math.split(0, type(uint16).max);
        assertEq(net + fee, 0, "nothing to split");
    }

    function testFuzz_split_aboveHundredPercentNeverWraps(uint256 amount, uint16 feeBps) public {
        amount = bound(amount, 0, type(uint256).max / type(uint16).max);
        feeBps = uint16(bound(feeBps, BPS + 1, type(uint16).max));
        uint256 expectedFee = (amount * feeBps) / BPS;
        if (expectedFee > amount) vm.expectRevert(stdError.arithmeticError);
        (uint256 net, uint256 fee) = math.split(amount, feeBps);
        if (expectedFee <= amount) {
            assertEq(fee, amount, "a fee above 100 % that returns takes everything");
            assertEq(net, 0, "nothing left");
        }
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

    // ─── cappedReward ────────────────────────────────────────────────────────────────────────

    function test_cappedReward_examples() public view {
        // 90 GEL paid at 1 HOTPOT per GEL, 100 HOTPOT per GEL of discount (the local currency).
        assertEq(math.cappedReward(9_000, 1e16, 900, 1e18), 90e18, "10% fee: the rate decides");
        assertEq(math.cappedReward(9_000, 1e16, 0, 1e18), 0, "no fee, no points");
        assertEq(math.cappedReward(9_000, 1e16, 45, 1e18), 45e18, "0.5% fee: capped at 45 tetri of discount");
        assertEq(math.cappedReward(9_000, 1e16, 90, 1e18), 90e18, "1% fee: exactly at the cap");
        assertEq(math.cappedReward(9_000, 0, 900, 1e18), 0, "no reward rate");
        assertEq(math.cappedReward(9_000, 1e16, 900, 0), 0, "points without a price reward nothing");
        assertEq(math.cappedReward(0, 1e16, 0, 1e18), 0, "nothing paid");
    }

    /// The points minted never buy more discount than the fee the platform took, and the cap never
    /// raises a reward above the rate.
    function testFuzz_cappedReward_neverWorthMoreThanTheFee(
        uint96 paid,
        uint96 rewardPerUnit,
        uint16 feeBps,
        uint96 pointsPerDiscountUnit
    ) public view {
        feeBps = uint16(bound(feeBps, 0, BPS));
        pointsPerDiscountUnit = uint96(bound(pointsPerDiscountUnit, 1, type(uint96).max));
        (, uint256 fee) = math.split(paid, feeBps);
        uint256 points = math.cappedReward(paid, rewardPerUnit, fee, pointsPerDiscountUnit);
        assertLe(points, uint256(paid) * rewardPerUnit, "never above paid x rate");
        assertLe(points / pointsPerDiscountUnit, fee, "discount the points buy <= fee");
        assertLe(points, fee * pointsPerDiscountUnit, "points <= fee x points price");
        if (uint256(paid) * rewardPerUnit <= fee * pointsPerDiscountUnit) {
            assertEq(points, uint256(paid) * rewardPerUnit, "below the cap the rate decides");
        } else {
            assertEq(points, fee * pointsPerDiscountUnit, "above it the cap decides");
        }
    }

    /// Self-dealing: a franchisee buying from its own restaurant pays `paid`, gets `paid - fee` back
    /// as franchisee, and the points it earns buy at most `fee` of discount: it never gains.
    function testFuzz_cappedReward_selfDealingNeverGains(
        uint96 paid,
        uint16 feeBps,
        uint96 rewardPerUnit,
        uint96 pointsPerDiscountUnit
    ) public view {
        feeBps = uint16(bound(feeBps, 0, 5_000));
        pointsPerDiscountUnit = uint96(bound(pointsPerDiscountUnit, 1, type(uint96).max));
        (uint256 net, uint256 fee) = math.split(paid, feeBps);
        uint256 points = math.cappedReward(paid, rewardPerUnit, fee, pointsPerDiscountUnit);
        uint256 discountBought = points / pointsPerDiscountUnit;
        assertLe(net + discountBought, paid, "what comes back <= what was paid");
    }

    // ─── takeUpTo ────────────────────────────────────────────────────────────────────────────

    function test_takeUpTo_examples() public view {
        (uint256 taken, uint256 owed) = math.takeUpTo(100, 30);
        assertEq(taken, 30, "all that is available");
        assertEq(owed, 70, "the rest still owed");
        (taken, owed) = math.takeUpTo(30, 100);
        assertEq(taken, 30, "only what is owed");
        assertEq(owed, 0, "nothing left owed");
        (taken, owed) = math.takeUpTo(0, 100);
        assertEq(taken + owed, 0, "nothing owed");
        (taken, owed) = math.takeUpTo(100, 0);
        assertEq(taken, 0, "nothing available");
        assertEq(owed, 100, "all still owed");
    }

    function testFuzz_takeUpTo_conserves(uint256 owed, uint256 available) public view {
        (uint256 taken, uint256 stillOwed) = math.takeUpTo(owed, available);
        assertEq(taken + stillOwed, owed, "taken + still owed == owed");
        assertLe(taken, available, "never more than available");
        assertTrue(stillOwed == 0 || taken == available, "takes all it can");
    }

    function test_maxDiscount_examples() public view {
        assertEq(math.maxDiscount(10_000, 5_000), 5_000, "half");
        assertEq(math.maxDiscount(3, 5_000), 1, "rounded down");
        assertEq(math.maxDiscount(10_000, 0), 0, "no discount");
        assertEq(math.maxDiscount(10_000, 10_000), 10_000, "full");
    }
}
