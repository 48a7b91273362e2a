// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";
import {ReentrantToken} from "./utils/mocks/ReentrantToken.sol";

/// @notice A malicious payment token calling back into settlement from inside a transfer.
contract OrderSettlementReentrancyTest is BaseTest {
    ReentrantToken internal evil;
    IOrderSettlement.TokenOrder internal order;
    bytes internal reentered;

    function setUp() public override {
        super.setUp();
        evil = new ReentrantToken();
        vm.prank(admin);
        settlement.setCurrency(address(evil), _gelConfig());
        evil.mint(alice, 100_000);
        vm.prank(alice);
        evil.approve(address(settlement), type(uint256).max);

        order = _order(keccak256("evil"), alice, 10_000, 0);
        order.token = address(evil);
        reentered = abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
    }

    function _placeEvil() internal {
        vm.prank(alice);
        settlement.placeOrder(order);
    }

    function test_placeOrder_revertsOnReentry() public {
        IOrderSettlement.TokenOrder memory second = order;
        second.orderId = keccak256("second");
        evil.arm(address(settlement), abi.encodeCall(settlement.placeOrder, (second)));
        vm.expectRevert(reentered);
        _placeEvil();
    }

    function test_fulfill_revertsOnReentryIntoRefund() public {
        _placeEvil();
        evil.arm(address(settlement), abi.encodeCall(settlement.refund, (order)));
        vm.expectRevert(reentered);
        vm.prank(settler);
        settlement.fulfill(order, RECEIPT);
        _assertStatus(order.orderId, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_refund_revertsOnReentryIntoFulfill() public {
        _placeEvil();
        evil.arm(address(settlement), abi.encodeCall(settlement.fulfill, (order, RECEIPT)));
        vm.expectRevert(reentered);
        vm.prank(settler);
        settlement.refund(order);
    }

    function test_reclaim_revertsOnReentryIntoReclaim() public {
        _placeEvil();
        vm.warp(order.reclaimAfter);
        evil.arm(address(settlement), abi.encodeCall(settlement.reclaim, (order)));
        vm.expectRevert(reentered);
        vm.prank(alice);
        settlement.reclaim(order);
    }

    function test_fulfill_succeedsWithoutReentry() public {
        _placeEvil();
        vm.prank(settler);
        settlement.fulfill(order, RECEIPT);
        assertEq(evil.balanceOf(franchisee), 9_000, "paid out");
        assertEq(evil.balanceOf(treasury), 1_000, "fee");
    }
}
