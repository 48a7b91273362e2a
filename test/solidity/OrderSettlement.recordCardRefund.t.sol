// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IHotPotToken} from "../../contracts/interfaces/IHotPotToken.sol";
import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract OrderSettlementRecordCardRefundTest is BaseTest {
    bytes32 internal constant ORDER_ID = keccak256("card-order-refund");
    bytes32 internal constant REFUND_1 = keccak256("re_1");
    bytes32 internal constant REFUND_2 = keccak256("re_2");
    bytes32 internal constant REFUND_3 = keccak256("re_3");
    uint64 internal constant AMOUNT = 10_000; // 100 GEL
    uint256 internal constant REWARD = uint256(AMOUNT) * CARD_REWARD_PER_TETRI; // 100 HOTPOT

    function setUp() public override {
        super.setUp();
        _settleCard(ORDER_ID, alice, AMOUNT);
    }

    function _refund(uint64 amount, bytes32 ref) internal {
        vm.prank(settler);
        settlement.recordCardRefund(ORDER_ID, amount, ref);
    }

    function _expectRefundRevert(bytes32 id, uint64 amount, bytes32 ref, bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(settler);
        settlement.recordCardRefund(id, amount, ref);
    }

    // ─── Full and partial refunds ────────────────────────────────────────────────────────────

    function test_recordCardRefund_fullRefundClawsBackEverything() public {
        _refund(AMOUNT, REFUND_1);
        IOrderSettlement.OrderRecord memory rec = settlement.orderOf(ORDER_ID);
        assertEq(uint8(rec.status), uint8(IOrderSettlement.OrderStatus.CardRefunded), "refunded");
        assertEq(rec.cardAmount, 0, "nothing left");
        assertEq(rec.customer, alice, "customer kept");
        assertEq(hotPot.balanceOf(alice), 0, "reward clawed back");
        assertEq(hotPot.totalSupply(), 0, "burned");
    }

    function test_recordCardRefund_emitsCardRefundRecorded() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardRefundRecorded(ORDER_ID, REFUND_1, 2_500, 7_500, REWARD / 4, 0);
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IHotPotToken.LoyaltyRedeemed(alice, REWARD / 4, address(settlement));
        _refund(2_500, REFUND_1);
    }

    function test_recordCardRefund_partialKeepsOrderSettled() public {
        _refund(2_500, REFUND_1);
        IOrderSettlement.OrderRecord memory rec = settlement.orderOf(ORDER_ID);
        assertEq(uint8(rec.status), uint8(IOrderSettlement.OrderStatus.CardSettled), "still settled");
        assertEq(rec.cardAmount, 7_500, "remaining");
        assertEq(hotPot.balanceOf(alice), REWARD - REWARD / 4, "quarter clawed back");
    }

    function test_recordCardRefund_partialRefundsSumToFullClawback() public {
        _refund(3_333, REFUND_1);
        _refund(3_333, REFUND_2);
        assertEq(settlement.orderOf(ORDER_ID).cardAmount, 3_334, "remaining");
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardRefundRecorded(
            ORDER_ID,
            REFUND_3,
            3_334,
            0,
            3_334 * uint256(CARD_REWARD_PER_TETRI),
            0
        );
        _refund(3_334, REFUND_3);
        assertEq(hotPot.balanceOf(alice), 0, "exactly the whole reward");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.CardRefunded);
    }

    function test_recordCardRefund_usesRateInForceAtSettlement() public {
        vm.prank(admin);
        settlement.setCardRewardPerUnit(5e16); // quintupled after the payment
        _refund(4_000, REFUND_1);
        assertEq(hotPot.balanceOf(alice), REWARD - 4_000 * uint256(CARD_REWARD_PER_TETRI), "old rate clawed back");
        _refund(6_000, REFUND_2);
        assertEq(hotPot.balanceOf(alice), 0, "whole reward and nothing more");
    }

    function test_recordCardRefund_rateLoweredBetweenSettlementAndRefund() public {
        // Alice holds other points, so clawing back at a newer rate would show.
        _givePoints(alice, 1_000e18);
        vm.startPrank(admin);
        settlement.setCardRewardPerUnit(1e15);
        settlement.setCardRewardPerUnit(0);
        vm.stopPrank();
        _refund(AMOUNT, REFUND_1);
        assertEq(hotPot.balanceOf(alice), 1_000e18, "exactly the minted reward clawed back");
    }

    function test_recordCardRefund_ordersAtDifferentEpochs() public {
        bytes32 second = keccak256("card-order-2");
        vm.prank(admin);
        settlement.setCardRewardPerUnit(3e16);
        _settleCard(second, alice, AMOUNT);
        assertEq(hotPot.balanceOf(alice), REWARD + uint256(AMOUNT) * 3e16, "both rewards");

        vm.prank(settler);
        settlement.recordCardRefund(second, AMOUNT, REFUND_2);
        assertEq(hotPot.balanceOf(alice), REWARD, "second order's rate");
        _refund(AMOUNT, REFUND_1);
        assertEq(hotPot.balanceOf(alice), 0, "first order's rate");
    }

    // ─── Shortfall ───────────────────────────────────────────────────────────────────────────

    function test_recordCardRefund_shortfallWhenCustomerSpentPoints() public {
        // Alice spends 80 of her 100 HOTPOT on a discount.
        IOrderSettlement.TokenOrder memory order = _order(keccak256("spend"), alice, 20_000, 80);
        _fund(alice, 20_000);
        _placeQuoted(order);
        assertEq(hotPot.balanceOf(alice), 20e18, "20 left");

        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardRefundRecorded(ORDER_ID, REFUND_1, AMOUNT, 0, 20e18, REWARD - 20e18);
        _refund(AMOUNT, REFUND_1);
        assertEq(hotPot.balanceOf(alice), 0, "all she had burned");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.CardRefunded);
    }

    function test_recordCardRefund_shortfallWhenCustomerTransferredAll() public {
        vm.prank(alice);
        hotPot.transfer(bob, REWARD);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardRefundRecorded(ORDER_ID, REFUND_1, 5_000, 5_000, 0, REWARD / 2);
        _refund(5_000, REFUND_1);
        assertEq(hotPot.balanceOf(bob), REWARD, "recipient's points untouched");
        assertEq(settlement.orderOf(ORDER_ID).cardAmount, 5_000, "refund still recorded");
    }

    function test_recordCardRefund_zeroClawbackBurnsNothingWhileTokenPaused() public {
        // A zero-rate epoch minted nothing, so there is nothing to burn even with the token paused.
        bytes32 zeroRateOrder = keccak256("zero-rate");
        vm.prank(admin);
        settlement.setCardRewardPerUnit(0);
        _settleCard(zeroRateOrder, alice, AMOUNT);
        vm.prank(pauser);
        hotPot.pause();
        vm.prank(settler);
        settlement.recordCardRefund(zeroRateOrder, AMOUNT, REFUND_2);
        _assertStatus(zeroRateOrder, IOrderSettlement.OrderStatus.CardRefunded);
    }

    function test_recordCardRefund_revertsWhenLoyaltyTokenPausedAndPointsToBurn() public {
        vm.prank(pauser);
        hotPot.pause();
        _expectRefundRevert(ORDER_ID, AMOUNT, REFUND_1, abi.encodeWithSelector(Pausable.EnforcedPause.selector));
    }

    // ─── Idempotency ─────────────────────────────────────────────────────────────────────────

    function test_recordCardRefund_revertsWhenRefundRefReplayed() public {
        _refund(1_000, REFUND_1);
        _expectRefundRevert(
            ORDER_ID,
            1_000,
            REFUND_1,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRefundAlreadyRecorded.selector, REFUND_1)
        );
        assertEq(settlement.orderOf(ORDER_ID).cardAmount, 9_000, "recorded once");
    }

    function test_recordCardRefund_revertsWhenRefundRefUsedForAnotherOrder() public {
        bytes32 other = keccak256("card-order-other");
        _settleCard(other, bob, 500);
        _refund(1_000, REFUND_1);
        _expectRefundRevert(
            other,
            500,
            REFUND_1,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRefundAlreadyRecorded.selector, REFUND_1)
        );
    }

    function test_recordCardRefund_replayOfFinalRefundRevertsAsAlreadyRecorded() public {
        _refund(AMOUNT, REFUND_1);
        // The replay check comes before the status, so a retried final refund gets the same answer
        // as any other retried refund, although it emptied the order.
        _expectRefundRevert(
            ORDER_ID,
            AMOUNT,
            REFUND_1,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRefundAlreadyRecorded.selector, REFUND_1)
        );
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.CardRefunded);
    }

    function test_recordCardRefund_newRefOnEmptiedOrderRevertsWithStatus() public {
        _refund(AMOUNT, REFUND_1);
        _expectRefundRevert(
            ORDER_ID,
            1,
            REFUND_2,
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementInvalidStatus.selector,
                ORDER_ID,
                IOrderSettlement.OrderStatus.CardRefunded
            )
        );
    }

    function test_recordCardRefund_replayCheckedBeforeStatusAndAmount() public {
        _refund(1_000, REFUND_1);
        // Replayed against an unknown order, with a zero amount: the ref is what is reported.
        _expectRefundRevert(
            keccak256("unknown"),
            0,
            REFUND_1,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRefundAlreadyRecorded.selector, REFUND_1)
        );
    }

    function test_recordCardRefund_zeroRefCheckedBeforeStatus() public {
        _expectRefundRevert(
            keccak256("unknown"),
            0,
            bytes32(0),
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidRefundRef.selector)
        );
    }

    // ─── Reverts ─────────────────────────────────────────────────────────────────────────────

    function test_recordCardRefund_revertsWhenOrderUnknown() public {
        bytes32 unknown = keccak256("unknown");
        _expectRefundRevert(
            unknown,
            1,
            REFUND_1,
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementInvalidStatus.selector,
                unknown,
                IOrderSettlement.OrderStatus.None
            )
        );
    }

    function test_recordCardRefund_revertsForTokenOrder() public {
        bytes32 tokenId = keccak256("token-order");
        _placeDefault(tokenId);
        _expectRefundRevert(
            tokenId,
            1,
            REFUND_1,
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementInvalidStatus.selector,
                tokenId,
                IOrderSettlement.OrderStatus.Escrowed
            )
        );
    }

    function test_recordCardRefund_revertsWhenRefundRefZero() public {
        _expectRefundRevert(
            ORDER_ID,
            1,
            bytes32(0),
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidRefundRef.selector)
        );
    }

    function test_recordCardRefund_revertsWhenAmountZero() public {
        _expectRefundRevert(
            ORDER_ID,
            0,
            REFUND_1,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementZeroAmount.selector)
        );
    }

    function test_recordCardRefund_revertsWhenExceedsAmount() public {
        _expectRefundRevert(
            ORDER_ID,
            AMOUNT + 1,
            REFUND_1,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRefundExceedsAmount.selector, AMOUNT + 1, AMOUNT)
        );
    }

    function test_recordCardRefund_revertsWhenExceedsRemaining() public {
        _refund(6_000, REFUND_1);
        _expectRefundRevert(
            ORDER_ID,
            4_001,
            REFUND_2,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRefundExceedsAmount.selector, 4_001, 4_000)
        );
    }

    function test_recordCardRefund_revertsWhenNotSettler() public {
        vm.expectRevert(_unauthorized(franchisee, SETTLER_ROLE));
        vm.prank(franchisee);
        settlement.recordCardRefund(ORDER_ID, 1, REFUND_1);
    }

    function test_recordCardRefund_worksWhilePaused() public {
        vm.prank(pauser);
        settlement.pause();
        _refund(AMOUNT, REFUND_1);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.CardRefunded);
        assertEq(hotPot.balanceOf(alice), 0, "clawed back while paused");
    }

    // ─── Fuzz ────────────────────────────────────────────────────────────────────────────────

    /// @dev Any sequence of partial refunds that empties the payment claws back the whole reward,
    /// whatever the rate does in between.
    function testFuzz_recordCardRefund_partialSequenceSumsToFullReward(
        uint64 amount,
        uint96 rate,
        uint256 seed,
        uint8 steps
    ) public {
        amount = uint64(bound(amount, 1, type(uint64).max));
        rate = uint96(bound(rate, 0, 1e20));
        steps = uint8(bound(steps, 1, 12));
        vm.prank(admin);
        settlement.setCardRewardPerUnit(rate);
        bytes32 id = keccak256("fuzz-card");
        _settleCard(id, bob, amount);
        uint256 reward = uint256(amount) * rate;
        assertEq(hotPot.balanceOf(bob), reward, "minted");

        uint64 remaining = amount;
        uint256 clawedBack;
        for (uint256 i; i < steps && remaining != 0; ++i) {
            uint64 part =
                i == steps - 1 ? remaining : uint64(bound(uint256(keccak256(abi.encode(seed, i))), 1, remaining));
            // Change the current rate between refunds: it must not matter.
            vm.prank(admin);
            settlement.setCardRewardPerUnit(uint96(uint256(keccak256(abi.encode(seed, i, "rate"))) % 1e20));

            uint256 before = hotPot.balanceOf(bob);
            vm.prank(settler);
            settlement.recordCardRefund(id, part, keccak256(abi.encode(seed, i, "ref")));
            clawedBack += before - hotPot.balanceOf(bob);
            remaining -= part;
            assertEq(settlement.orderOf(id).cardAmount, remaining, "remaining tracked");
        }
        assertEq(remaining, 0, "fully refunded");
        assertEq(clawedBack, reward, "clawback sums to the reward");
        assertEq(hotPot.balanceOf(bob), 0, "nothing left");
        _assertStatus(id, IOrderSettlement.OrderStatus.CardRefunded);
    }

    function testFuzz_recordCardRefund_shortfallPlusBurnedEqualsClawback(uint64 refundAmount, uint256 spent) public {
        refundAmount = uint64(bound(refundAmount, 1, AMOUNT));
        spent = bound(spent, 0, REWARD);
        vm.prank(alice);
        hotPot.burn(spent);
        uint256 balance = REWARD - spent;
        uint256 clawback = uint256(refundAmount) * CARD_REWARD_PER_TETRI;
        uint256 burned = clawback < balance ? clawback : balance;

        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardRefundRecorded(
            ORDER_ID,
            REFUND_1,
            refundAmount,
            AMOUNT - refundAmount,
            burned,
            clawback - burned
        );
        _refund(refundAmount, REFUND_1);
        assertEq(hotPot.balanceOf(alice), balance - burned, "burned what was there");
    }
}
