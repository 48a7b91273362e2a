// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract OrderSettlementRefundTest is BaseTest {
    bytes32 internal constant ORDER_ID = keccak256("api-order-refund");

    IOrderSettlement.TokenOrder internal order;
    uint256 internal aliceGelBefore;

    function setUp() public override {
        super.setUp();
        order = _order(ORDER_ID, alice, 10_000, 1_000);
        _placeFunded(order);
        aliceGelBefore = gel.balanceOf(alice);
    }

    function _invalidStatus(IOrderSettlement.OrderStatus status) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidStatus.selector, ORDER_ID, status);
    }

    function test_refund_byFranchiseeReturnsTokensAndPoints() public {
        vm.prank(franchisee);
        settlement.refund(order);

        assertEq(gel.balanceOf(alice), aliceGelBefore + 9_000, "tokens returned");
        assertEq(gel.balanceOf(address(settlement)), 0, "escrow emptied");
        assertEq(hotPot.balanceOf(alice), 1_000e18, "points re-minted");
        assertEq(gel.balanceOf(franchisee), 0, "franchisee paid nothing");
        assertEq(gel.balanceOf(treasury), 0, "no fee");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Refunded);
    }

    function test_refund_bySettler() public {
        vm.prank(settler);
        settlement.refund(order);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Refunded);
    }

    function test_refund_emitsTokenOrderRefunded() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderRefunded(ORDER_ID, franchisee, 9_000, 1_000e18);
        vm.expectEmit(true, true, true, true, address(gel));
        emit IERC20.Transfer(address(settlement), alice, 9_000);
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IERC20.Transfer(address(0), alice, 1_000e18);
        vm.prank(franchisee);
        settlement.refund(order);
    }

    function test_refund_worksWhilePaused() public {
        vm.prank(pauser);
        settlement.pause();
        vm.prank(settler);
        settlement.refund(order);
        assertEq(gel.balanceOf(alice), aliceGelBefore + 9_000, "refunded while paused");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Refunded);
    }

    function test_refund_worksWhenRestaurantDeactivated() public {
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        vm.prank(franchisee);
        settlement.refund(order);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Refunded);
    }

    function test_refund_withoutPointsMintsNothing() public {
        IOrderSettlement.TokenOrder memory plain = _order(keccak256("plain"), bob, 4_000, 0);
        _placeFunded(plain);
        uint256 supply = hotPot.totalSupply();
        vm.prank(settler);
        settlement.refund(plain);
        assertEq(gel.balanceOf(bob), 4_000, "tokens back");
        assertEq(hotPot.totalSupply(), supply, "no points minted");
    }

    function test_refund_fullDiscountOrderRestoresOnlyPoints() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.maxDiscountBps = 10_000;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        IOrderSettlement.TokenOrder memory free = _order(keccak256("free"), bob, 700, 700);
        _placeFunded(free);
        uint256 escrow = gel.balanceOf(address(settlement));

        vm.prank(settler);
        settlement.refund(free);
        assertEq(gel.balanceOf(address(settlement)), escrow, "no tokens moved");
        assertEq(hotPot.balanceOf(bob), 700e18, "points restored");
    }

    function test_refund_restoresPointsRedeemedEvenAfterCurrencyChange() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.pointsPerDiscountUnit = 5e18;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        vm.prank(settler);
        settlement.refund(order);
        assertEq(hotPot.balanceOf(alice), 1_000e18, "exactly what was burned");
    }

    function test_refund_revertsWhenAlreadyRefunded() public {
        vm.prank(settler);
        settlement.refund(order);
        vm.expectRevert(_invalidStatus(IOrderSettlement.OrderStatus.Refunded));
        vm.prank(settler);
        settlement.refund(order);
    }

    function test_refund_revertsWhenFulfilled() public {
        vm.prank(settler);
        settlement.fulfill(order, RECEIPT);
        vm.expectRevert(_invalidStatus(IOrderSettlement.OrderStatus.Fulfilled));
        vm.prank(franchisee);
        settlement.refund(order);
    }

    function test_refund_revertsWhenReclaimed() public {
        vm.warp(order.reclaimAfter);
        vm.prank(alice);
        settlement.reclaim(order);
        vm.expectRevert(_invalidStatus(IOrderSettlement.OrderStatus.Reclaimed));
        vm.prank(franchisee);
        settlement.refund(order);
    }

    function test_refund_revertsWhenOrderMismatch() public {
        order.discount = 0;
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderMismatch.selector, ORDER_ID));
        vm.prank(settler);
        settlement.refund(order);
    }

    function test_refund_revertsWhenPointsTampered() public {
        order.pointsRedeemed = 1_000_000e18;
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderMismatch.selector, ORDER_ID));
        vm.prank(settler);
        settlement.refund(order);
    }

    function test_refund_revertsWhenCustomerCalls() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotOperator.selector, alice, RESTAURANT_ID)
        );
        vm.prank(alice);
        settlement.refund(order);
    }

    function test_refund_revertsWhenNotOperator() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotOperator.selector, franchisee2, RESTAURANT_ID)
        );
        vm.prank(franchisee2);
        settlement.refund(order);
    }

    /// Pausing the loyalty token never blocks a refund: the discount's points come back through
    /// `restore`, while new rewards stay blocked.
    function test_refund_restoresPointsWhileLoyaltyTokenPaused() public {
        vm.prank(pauser);
        hotPot.pause();
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderRefunded(ORDER_ID, settler, 9_000, 1_000e18);
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IERC20.Transfer(address(0), alice, 1_000e18);
        vm.prank(settler);
        settlement.refund(order);

        assertEq(gel.balanceOf(alice), aliceGelBefore + 9_000, "tokens back while paused");
        assertEq(hotPot.balanceOf(alice), 1_000e18, "points back while paused");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Refunded);
        assertTrue(hotPot.paused(), "still paused");
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(alice);
        hotPot.transfer(bob, 1);
    }

    function test_refund_worksWhileBothPaused() public {
        vm.startPrank(pauser);
        hotPot.pause();
        settlement.pause();
        vm.stopPrank();
        vm.prank(franchisee);
        settlement.refund(order);
        assertEq(hotPot.balanceOf(alice), 1_000e18, "points back");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Refunded);
    }

    function test_refund_withoutPointsWorksWhenLoyaltyTokenPaused() public {
        IOrderSettlement.TokenOrder memory plain = _order(keccak256("plain"), bob, 4_000, 0);
        _placeFunded(plain);
        vm.prank(pauser);
        hotPot.pause();
        vm.prank(settler);
        settlement.refund(plain);
        assertEq(gel.balanceOf(bob), 4_000, "tokens back");
    }

    function testFuzz_refund_restoresExactly(uint96 price, uint96 discount) public {
        price = uint96(bound(price, 1, type(uint96).max));
        discount = uint96(bound(discount, 0, (uint256(price) * MAX_DISCOUNT_BPS) / 10_000));
        IOrderSettlement.TokenOrder memory o = _order(keccak256("fuzz"), bob, price, discount);
        _placeFunded(o);
        uint256 supplyAfterPlacement = hotPot.totalSupply();

        vm.prank(settler);
        settlement.refund(o);
        assertEq(gel.balanceOf(bob), uint256(price) - discount, "tokens back");
        assertEq(hotPot.balanceOf(bob), o.pointsRedeemed, "points back");
        assertEq(hotPot.totalSupply(), supplyAfterPlacement + o.pointsRedeemed, "re-minted");
    }
}
