// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";

import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";

/// @notice Loyalty debt: a card refund's clawback that finds the points gone (spent, or parked as
/// the discount of an open token order) records the shortfall as debt, and points that later come
/// back from escrow (refund, reclaim) repay it first.
contract OrderSettlementLoyaltyDebtTest is BaseTest {
    bytes32 internal constant CARD_ID = keccak256("card-order-debt");
    bytes32 internal constant PARKED_ID = keccak256("token-order-parking-points");
    bytes32 internal constant REFUND_1 = keccak256("re_debt_1");
    bytes32 internal constant REFUND_2 = keccak256("re_debt_2");
    uint64 internal constant CARD_AMOUNT = 10_000; // 100 GEL
    uint256 internal constant CARD_REWARD = uint256(CARD_AMOUNT) * CARD_REWARD_PER_TETRI; // 100 HOTPOT
    uint96 internal constant PARKED_DISCOUNT = 100; // 1 GEL of discount = all 100 HOTPOT
    uint256 internal constant PARKED_POINTS = uint256(PARKED_DISCOUNT) * POINTS_PER_DISCOUNT_UNIT;
    uint256 internal constant PARKED_PAID = 20_000 - PARKED_DISCOUNT;

    IOrderSettlement.TokenOrder internal parked;

    /// Alice is paid 100 HOTPOT for a card order, then parks all of them as the discount of an open
    /// token order: her balance is zero when the card payment is refunded.
    function setUp() public override {
        super.setUp();
        _settleCard(CARD_ID, alice, CARD_AMOUNT);
        assertEq(hotPot.balanceOf(alice), CARD_REWARD, "card reward");
        parked = _order(PARKED_ID, alice, 20_000, PARKED_DISCOUNT);
        _fund(alice, PARKED_PAID);
        _placeQuoted(parked);
        assertEq(hotPot.balanceOf(alice), 0, "points parked in escrow");
    }

    function _cardRefund(uint64 amount, bytes32 ref) internal {
        vm.prank(settler);
        settlement.recordCardRefund(CARD_ID, amount, ref);
    }

    function _reclaimParked() internal {
        vm.warp(parked.reclaimAfter);
        vm.prank(alice);
        settlement.reclaim(parked);
    }

    // ─── Recording ───────────────────────────────────────────────────────────────────────────

    function test_cardRefund_recordsShortfallAsDebt() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardRefundRecorded(CARD_ID, REFUND_1, CARD_AMOUNT, 0, 0, CARD_REWARD);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.LoyaltyDebtRecorded(alice, CARD_ID, CARD_REWARD, CARD_REWARD);
        _cardRefund(CARD_AMOUNT, REFUND_1);
        assertEq(settlement.loyaltyDebtOf(alice), CARD_REWARD, "debt");
        assertEq(settlement.loyaltyDebtOf(bob), 0, "nobody else owes");
    }

    function test_cardRefund_partlyCoveredRecordsOnlyTheShortfall() public {
        // 30 HOTPOT come back to Alice from another card order before the refund.
        _settleCard(keccak256("second card order"), alice, 3_000);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.LoyaltyDebtRecorded(alice, CARD_ID, CARD_REWARD - 30e18, CARD_REWARD - 30e18);
        _cardRefund(CARD_AMOUNT, REFUND_1);
        assertEq(hotPot.balanceOf(alice), 0, "what she held was burned");
        assertEq(settlement.loyaltyDebtOf(alice), CARD_REWARD - 30e18, "the rest is owed");
    }

    function test_cardRefund_debtAccumulates() public {
        _cardRefund(2_500, REFUND_1);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.LoyaltyDebtRecorded(alice, CARD_ID, 75e18, CARD_REWARD);
        _cardRefund(7_500, REFUND_2);
        assertEq(settlement.loyaltyDebtOf(alice), CARD_REWARD, "25 + 75 HOTPOT");
    }

    function test_cardRefund_coveredByBalanceRecordsNoDebt() public {
        _reclaimParked(); // points back before the refund: the clawback takes them
        vm.recordLogs();
        _cardRefund(CARD_AMOUNT, REFUND_1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            assertTrue(logs[i].topics[0] != IOrderSettlement.LoyaltyDebtRecorded.selector, "no debt event");
        }
        assertEq(settlement.loyaltyDebtOf(alice), 0, "no debt");
        assertEq(hotPot.balanceOf(alice), 0, "clawed back in full");
    }

    // ─── Repaying from escrow ────────────────────────────────────────────────────────────────

    /// The dodge the debt closes: before it, reclaiming the parked order gave the 100 HOTPOT back
    /// after the refund had failed to take them.
    function test_reclaim_repaysDebtBeforeRestoring() public {
        _cardRefund(CARD_AMOUNT, REFUND_1);
        vm.warp(parked.reclaimAfter);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderReclaimed(PARKED_ID, PARKED_PAID, 0);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.LoyaltyDebtRepaid(alice, PARKED_ID, CARD_REWARD, 0);
        vm.prank(alice);
        settlement.reclaim(parked);

        assertEq(hotPot.balanceOf(alice), 0, "no points regained");
        assertEq(hotPot.totalSupply(), 0, "nothing minted");
        assertEq(settlement.loyaltyDebtOf(alice), 0, "debt repaid");
        assertEq(gel.balanceOf(alice), PARKED_PAID, "tokens still returned");
        _assertStatus(PARKED_ID, IOrderSettlement.OrderStatus.Reclaimed);
    }

    function test_refund_repaysDebtBeforeRestoring() public {
        _cardRefund(CARD_AMOUNT, REFUND_1);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderRefunded(PARKED_ID, franchisee, PARKED_PAID, 0);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.LoyaltyDebtRepaid(alice, PARKED_ID, CARD_REWARD, 0);
        vm.prank(franchisee);
        settlement.refund(parked);

        assertEq(hotPot.balanceOf(alice), 0, "no points regained");
        assertEq(settlement.loyaltyDebtOf(alice), 0, "debt repaid");
        _assertStatus(PARKED_ID, IOrderSettlement.OrderStatus.Refunded);
    }

    function test_refund_restoresWhatTheDebtLeaves() public {
        _cardRefund(4_000, REFUND_1); // 40 HOTPOT owed
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderRefunded(PARKED_ID, settler, PARKED_PAID, PARKED_POINTS - 40e18);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.LoyaltyDebtRepaid(alice, PARKED_ID, 40e18, 0);
        vm.prank(settler);
        settlement.refund(parked);
        assertEq(hotPot.balanceOf(alice), PARKED_POINTS - 40e18, "60 HOTPOT restored");
        assertEq(settlement.loyaltyDebtOf(alice), 0, "debt repaid");
    }

    function test_reclaim_repaysPartOfALargerDebt() public {
        // 150 HOTPOT earned in all, 100 parked, 50 spent; the card order of 150 is refunded in full.
        bytes32 big = keccak256("big card order");
        _settleCard(big, alice, 5_000);
        vm.prank(alice);
        hotPot.burn(50e18);
        vm.prank(settler);
        settlement.recordCardRefund(big, 5_000, REFUND_2);
        _cardRefund(CARD_AMOUNT, REFUND_1);
        assertEq(settlement.loyaltyDebtOf(alice), 150e18, "all of it owed");

        vm.warp(parked.reclaimAfter);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.LoyaltyDebtRepaid(alice, PARKED_ID, PARKED_POINTS, 50e18);
        vm.prank(alice);
        settlement.reclaim(parked);
        assertEq(hotPot.balanceOf(alice), 0, "nothing restored");
        assertEq(settlement.loyaltyDebtOf(alice), 50e18, "the spent 50 still owed");
    }

    function test_reclaim_repaysDebtWhileLoyaltyTokenPaused() public {
        _cardRefund(4_000, REFUND_1);
        vm.prank(pauser);
        hotPot.pause();
        _reclaimParked();
        assertEq(hotPot.balanceOf(alice), PARKED_POINTS - 40e18, "the rest restored while paused");
        assertEq(settlement.loyaltyDebtOf(alice), 0, "debt repaid while paused");
    }

    function test_refund_ofAnotherCustomerLeavesDebtAlone() public {
        _cardRefund(CARD_AMOUNT, REFUND_1);
        IOrderSettlement.TokenOrder memory bobs = _order(keccak256("bob's order"), bob, 1_000, 200);
        _placeFunded(bobs);
        vm.prank(settler);
        settlement.refund(bobs);
        assertEq(hotPot.balanceOf(bob), 200e18, "bob's points restored");
        assertEq(settlement.loyaltyDebtOf(alice), CARD_REWARD, "alice still owes");
    }

    function test_fulfil_ofTheParkedOrderLeavesDebt() public {
        // Points spent on a fulfilled order are gone; the debt waits for points that come back.
        _cardRefund(CARD_AMOUNT, REFUND_1);
        vm.prank(settler);
        settlement.fulfill(parked, RECEIPT);
        assertEq(settlement.loyaltyDebtOf(alice), CARD_REWARD, "still owed");
    }

    // ─── Fuzz ────────────────────────────────────────────────────────────────────────────────

    /// Whatever is parked, refunded and reclaimed: the points Alice ends with, less what she still
    /// owes, equal what she earned less what the refund clawed back. Parking gains nothing.
    function testFuzz_parkingPointsNeverDodgesAClawback(uint64 cardAmount, uint64 refundAmount, uint96 park) public {
        bytes32 id = keccak256("fuzz card");
        cardAmount = uint64(bound(cardAmount, 1, 1_000_000));
        refundAmount = uint64(bound(refundAmount, 1, cardAmount));
        _settleCard(id, bob, cardAmount);
        uint256 earned = uint256(cardAmount) * CARD_REWARD_PER_TETRI;
        park = uint96(bound(park, 0, earned / POINTS_PER_DISCOUNT_UNIT));
        IOrderSettlement.TokenOrder memory o = _order(keccak256("fuzz park"), bob, 4 * park + 1, park);
        _fund(bob, uint256(o.price) - park);
        _placeQuoted(o);

        vm.prank(settler);
        settlement.recordCardRefund(id, refundAmount, keccak256("fuzz refund"));
        vm.warp(o.reclaimAfter);
        vm.prank(bob);
        settlement.reclaim(o);

        uint256 clawedBack = uint256(refundAmount) * CARD_REWARD_PER_TETRI;
        assertEq(
            hotPot.balanceOf(bob) + clawedBack,
            earned + settlement.loyaltyDebtOf(bob),
            "balance - debt == earned - clawed back"
        );
        assertLe(hotPot.balanceOf(bob), earned - clawedBack, "never more than was kept");
    }
}
