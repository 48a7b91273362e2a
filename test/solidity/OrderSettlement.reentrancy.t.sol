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
        _placeQuoted(order);
    }

    function test_placeOrder_revertsOnReentry() public {
        IOrderSettlement.TokenOrder memory second = order;
        second.orderId = keccak256("second");
        evil.arm(address(settlement), abi.encodeCall(settlement.placeOrder, (second, _quote(second))));
        bytes memory quote = _quote(order);
        vm.expectRevert(reentered);
        vm.prank(alice);
        settlement.placeOrder(order, quote);
    }

    function test_placeOrderWithPermit_revertsOnReentry() public {
        IOrderSettlement.TokenOrder memory second = order;
        second.orderId = keccak256("second");
        evil.arm(address(settlement), abi.encodeCall(settlement.placeOrder, (second, _quote(second))));
        bytes memory quote = _quote(order);
        vm.expectRevert(reentered);
        vm.prank(alice);
        // ReentrantToken has no permit: the failed permit is ignored and the pull re-enters.
        settlement.placeOrderWithPermit(order, quote, block.timestamp, 0, bytes32(0), bytes32(0));
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

    /// @dev The card entry points lost their reentrancy guard (settler-only, and they call only
    /// FranchiseNFT's view and HotPotToken's mint). Re-entry from a token callback is now stopped
    /// by the role check, not by the guard.
    function test_fulfill_reentryIntoCardSettlementStoppedByRoleNotGuard() public {
        _placeEvil();
        evil.arm(
            address(settlement),
            abi.encodeCall(
                settlement.settleCardPayment,
                (keccak256("card"), RESTAURANT_ID, alice, 1, bytes32(0), RECEIPT)
            )
        );
        vm.expectRevert(_unauthorized(address(evil), SETTLER_ROLE));
        vm.prank(settler);
        settlement.fulfill(order, RECEIPT);
    }

    /// @dev Documents that settleCardPayment carries no guard: a settler that a token calls back
    /// into (contrived: the token itself holds SETTLER_ROLE) records a card payment mid-placement.
    function test_settleCardPayment_hasNoReentrancyGuard() public {
        vm.prank(admin);
        settlement.grantRole(SETTLER_ROLE, address(evil));
        bytes32 cardId = keccak256("card");
        evil.arm(
            address(settlement),
            abi.encodeCall(settlement.settleCardPayment, (cardId, RESTAURANT_ID, bob, 100, bytes32(0), RECEIPT))
        );
        _placeEvil();
        _assertStatus(order.orderId, IOrderSettlement.OrderStatus.Escrowed);
        _assertStatus(cardId, IOrderSettlement.OrderStatus.CardSettled);
        assertEq(hotPot.balanceOf(bob), 100 * uint256(CARD_REWARD_PER_TETRI), "card reward minted");
    }

    function test_settleCardPayments_hasNoReentrancyGuard() public {
        vm.prank(admin);
        settlement.grantRole(SETTLER_ROLE, address(evil));
        IOrderSettlement.CardPayment[] memory batch = new IOrderSettlement.CardPayment[](1);
        batch[0] = IOrderSettlement.CardPayment({
            orderId: keccak256("card"),
            restaurantId: RESTAURANT_ID,
            customer: bob,
            amount: 100,
            paymentRef: bytes32(0),
            receiptDigest: RECEIPT
        });
        evil.arm(address(settlement), abi.encodeCall(settlement.settleCardPayments, (batch)));
        _placeEvil();
        _assertStatus(batch[0].orderId, IOrderSettlement.OrderStatus.CardSettled);
    }

    function test_recordCardRefund_revertsOnReentry() public {
        // recordCardRefund kept its guard: a token callback cannot record a refund mid-fulfilment.
        vm.prank(admin);
        settlement.grantRole(SETTLER_ROLE, address(evil));
        bytes32 cardId = keccak256("card");
        _settleCard(cardId, bob, 100);
        _placeEvil();
        evil.arm(address(settlement), abi.encodeCall(settlement.recordCardRefund, (cardId, 100, keccak256("re"))));
        vm.expectRevert(reentered);
        vm.prank(settler);
        settlement.fulfill(order, RECEIPT);
    }

    function test_fulfill_succeedsWithoutReentry() public {
        _placeEvil();
        vm.prank(settler);
        settlement.fulfill(order, RECEIPT);
        assertEq(evil.balanceOf(franchisee), 9_000, "paid out");
        assertEq(evil.balanceOf(treasury), 1_000, "fee");
    }
}
