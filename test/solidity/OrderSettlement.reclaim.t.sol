// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract OrderSettlementReclaimTest is BaseTest {
    bytes32 internal constant ORDER_ID = keccak256("api-order-reclaim");

    IOrderSettlement.TokenOrder internal order;
    uint256 internal aliceGelBefore;

    function setUp() public override {
        super.setUp();
        order = _order(ORDER_ID, alice, 10_000, 1_000);
        _placeFunded(order);
        aliceGelBefore = gel.balanceOf(alice);
    }

    function _reclaimAs(address caller) internal {
        vm.prank(caller);
        settlement.reclaim(order);
    }

    function test_reclaim_afterReclaimTimeReturnsTokensAndPoints() public {
        vm.warp(order.reclaimAfter + 1);
        _reclaimAs(alice);
        assertEq(gel.balanceOf(alice), aliceGelBefore + 9_000, "tokens back");
        assertEq(hotPot.balanceOf(alice), 1_000e18, "points back");
        assertEq(gel.balanceOf(address(settlement)), 0, "escrow emptied");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Reclaimed);
    }

    /// @dev NatSpec: the customer may reclaim "from `reclaimAfter` on", i.e. at that second already.
    function test_reclaim_atExactlyReclaimAfter() public {
        vm.warp(order.reclaimAfter);
        _reclaimAs(alice);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Reclaimed);
    }

    function test_reclaim_emitsTokenOrderReclaimed() public {
        vm.warp(order.reclaimAfter);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderReclaimed(ORDER_ID, 9_000, 1_000e18);
        _reclaimAs(alice);
    }

    function test_reclaim_revertsBeforeReclaimAfter() public {
        vm.warp(order.reclaimAfter - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementReclaimNotYet.selector, order.reclaimAfter)
        );
        _reclaimAs(alice);
    }

    function test_reclaim_revertsImmediatelyAfterPlacement() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementReclaimNotYet.selector, order.reclaimAfter)
        );
        _reclaimAs(alice);
    }

    function test_reclaim_revertsWhenNotCustomer() public {
        vm.warp(order.reclaimAfter);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotCustomer.selector, settler, alice));
        _reclaimAs(settler);
    }

    function test_reclaim_revertsForFranchisee() public {
        vm.warp(order.reclaimAfter);
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotCustomer.selector, franchisee, alice)
        );
        _reclaimAs(franchisee);
    }

    function test_reclaim_worksWhilePaused() public {
        vm.prank(pauser);
        settlement.pause();
        vm.warp(order.reclaimAfter);
        _reclaimAs(alice);
        assertEq(gel.balanceOf(alice), aliceGelBefore + 9_000, "reclaimed while paused");
    }

    function test_reclaim_revertsWhenFulfilled() public {
        vm.prank(franchisee);
        settlement.fulfill(order, RECEIPT);
        vm.warp(order.reclaimAfter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementInvalidStatus.selector,
                ORDER_ID,
                IOrderSettlement.OrderStatus.Fulfilled
            )
        );
        _reclaimAs(alice);
    }

    function test_reclaim_revertsWhenRefunded() public {
        vm.prank(franchisee);
        settlement.refund(order);
        vm.warp(order.reclaimAfter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementInvalidStatus.selector,
                ORDER_ID,
                IOrderSettlement.OrderStatus.Refunded
            )
        );
        _reclaimAs(alice);
    }

    function test_reclaim_revertsWhenReclaimedTwice() public {
        vm.warp(order.reclaimAfter);
        _reclaimAs(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementInvalidStatus.selector,
                ORDER_ID,
                IOrderSettlement.OrderStatus.Reclaimed
            )
        );
        _reclaimAs(alice);
        assertEq(gel.balanceOf(alice), aliceGelBefore + 9_000, "paid back once");
    }

    function test_reclaim_revertsWhenReclaimAfterTampered() public {
        // Pretending the order was reclaimable earlier changes its hash.
        order.reclaimAfter = uint48(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderMismatch.selector, ORDER_ID));
        _reclaimAs(alice);
    }

    /// Pausing the loyalty token never blocks a reclaim: the discount's points come back through
    /// `restore`, while everything else on the token stays frozen.
    function test_reclaim_restoresPointsWhileLoyaltyTokenPaused() public {
        vm.prank(pauser);
        hotPot.pause();
        vm.warp(order.reclaimAfter);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderReclaimed(ORDER_ID, 9_000, 1_000e18);
        _reclaimAs(alice);

        assertEq(gel.balanceOf(alice), aliceGelBefore + 9_000, "tokens back while paused");
        assertEq(hotPot.balanceOf(alice), 1_000e18, "points back while paused");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Reclaimed);
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(alice);
        hotPot.burn(1);
    }

    function test_reclaim_worksWhileBothPaused() public {
        vm.startPrank(pauser);
        hotPot.pause();
        settlement.pause();
        vm.stopPrank();
        vm.warp(order.reclaimAfter);
        _reclaimAs(alice);
        assertEq(hotPot.balanceOf(alice), 1_000e18, "points back");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Reclaimed);
    }

    function testFuzz_reclaim_onlyFromReclaimAfter(uint256 elapsed) public {
        elapsed = bound(elapsed, 0, 10 days);
        vm.warp(block.timestamp + elapsed);
        if (block.timestamp < order.reclaimAfter) {
            vm.expectRevert(
                abi.encodeWithSelector(IOrderSettlement.OrderSettlementReclaimNotYet.selector, order.reclaimAfter)
            );
        }
        _reclaimAs(alice);
        if (block.timestamp >= order.reclaimAfter) _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Reclaimed);
    }
}
