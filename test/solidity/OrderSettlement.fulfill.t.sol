// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract OrderSettlementFulfillTest is BaseTest {
    bytes32 internal constant ORDER_ID = keccak256("api-order-fulfill");

    IOrderSettlement.TokenOrder internal order;

    // 100 GEL order, 10 GEL paid with points: 9,000 tetri escrowed; 10% fee.
    uint256 internal constant PAID = 9_000;
    uint256 internal constant FEE = 900;
    uint256 internal constant NET = 8_100;
    uint256 internal constant REWARD = PAID * REWARD_PER_UNIT;

    function setUp() public override {
        super.setUp();
        order = _placeDefault(ORDER_ID);
    }

    function _fulfillAs(address operator) internal {
        vm.prank(operator);
        settlement.fulfill(order, RECEIPT);
    }

    function _expectFulfillRevert(address operator, bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(operator);
        settlement.fulfill(order, RECEIPT);
    }

    function _invalidStatus(IOrderSettlement.OrderStatus status) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidStatus.selector, ORDER_ID, status);
    }

    // ─── Success ─────────────────────────────────────────────────────────────────────────────

    function test_fulfill_byFranchiseePaysOutAndRewards() public {
        _fulfillAs(franchisee);

        assertEq(gel.balanceOf(franchisee), NET, "franchisee share");
        assertEq(gel.balanceOf(treasury), FEE, "platform fee");
        assertEq(gel.balanceOf(address(settlement)), 0, "escrow emptied");
        assertEq(hotPot.balanceOf(alice), REWARD, "reward on the amount paid in tokens");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Fulfilled);
    }

    function test_fulfill_bySettler() public {
        _fulfillAs(settler);
        assertEq(gel.balanceOf(franchisee), NET, "franchisee paid, not the settler");
        assertEq(gel.balanceOf(settler), 0, "settler gets nothing");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Fulfilled);
    }

    function test_fulfill_emitsTokenOrderFulfilled() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderFulfilled(ORDER_ID, franchisee, settler, NET, FEE, REWARD, RECEIPT);
        _fulfillAs(settler);
    }

    function test_fulfill_receiptIsSha256OfReceiptJson() public {
        // The digest is the sha2-256 of the receipt's bytes, so its raw CIDv1 can be rebuilt from it.
        // (Computed before the cheatcodes: sha256 is a precompile call, which would take the prank.)
        bytes32 digest = sha256(bytes(RECEIPT_JSON));
        assertEq(digest, RECEIPT, "fixture digest");
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderFulfilled(ORDER_ID, franchisee, franchisee, NET, FEE, REWARD, digest);
        vm.prank(franchisee);
        settlement.fulfill(order, digest);
    }

    function testFuzz_fulfill_acceptsAnyNonZeroDigest(bytes32 receiptDigest) public {
        vm.assume(receiptDigest != bytes32(0));
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderFulfilled(ORDER_ID, franchisee, settler, NET, FEE, REWARD, receiptDigest);
        vm.prank(settler);
        settlement.fulfill(order, receiptDigest);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Fulfilled);
    }

    function test_fulfill_feeRoundsDownInFavourOfFranchisee() public {
        IOrderSettlement.TokenOrder memory odd = _order(keccak256("odd"), bob, 9_999, 0);
        _placeFunded(odd);
        vm.prank(settler);
        settlement.fulfill(odd, RECEIPT);
        assertEq(gel.balanceOf(treasury), 999, "fee 10% of 9,999 rounded down");
        assertEq(gel.balanceOf(franchisee), 9_000, "remainder to franchisee");
    }

    /// @dev NatSpec: fulfilment pays at the fee (and reward rate) in force then, not at placement.
    function test_fulfill_usesFeeAtFulfilment() public {
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, 5_000);
        _fulfillAs(settler);
        assertEq(gel.balanceOf(treasury), 4_500, "current 50% fee");
        assertEq(gel.balanceOf(franchisee), 4_500, "franchisee half");
    }

    function test_fulfill_zeroFeeSendsAllToFranchisee() public {
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, 0);
        _fulfillAs(settler);
        assertEq(gel.balanceOf(treasury), 0, "no fee");
        assertEq(gel.balanceOf(franchisee), PAID, "everything to franchisee");
        assertEq(hotPot.balanceOf(alice), 0, "no fee, no points");
    }

    // ─── Reward cap: points never worth more than the platform's take ───────────────────────

    function test_fulfill_zeroFeeEarnsNoPoints() public {
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, 0);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderFulfilled(ORDER_ID, franchisee, settler, PAID, 0, 0, RECEIPT);
        _fulfillAs(settler);
        assertEq(hotPot.balanceOf(alice), 0, "reward capped at zero");
        assertEq(hotPot.totalSupply(), 0, "nothing minted");
    }

    function test_fulfill_lowFeeCapsReward() public {
        // 0.5 % of 9,000 = 45 tetri of fee: the points may buy at most 45 tetri of discount.
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, 50);
        uint256 cap = 45 * POINTS_PER_DISCOUNT_UNIT;
        assertLt(cap, REWARD, "the rate alone would mint more");
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderFulfilled(ORDER_ID, franchisee, settler, PAID - 45, 45, cap, RECEIPT);
        _fulfillAs(settler);
        assertEq(hotPot.balanceOf(alice), cap, "capped by the fee");
        assertEq(hotPot.balanceOf(alice) / POINTS_PER_DISCOUNT_UNIT, gel.balanceOf(treasury), "worth the fee");
    }

    function test_fulfill_feeAboveTheRateLeavesRewardUncapped() public {
        // At the local rates points are worth 1 % of the amount paid: any fee from 1 % up pays them.
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, 100);
        _fulfillAs(settler);
        assertEq(hotPot.balanceOf(alice), REWARD, "the rate decides");
    }

    /// The attack the cap closes: a franchisee whose fee is zero buys from its own restaurant, gets
    /// its money back as franchisee and, before the cap, kept the points for free.
    function test_fulfill_selfDealingFranchiseeMintsNothingForFree() public {
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, 0);
        IOrderSettlement.TokenOrder memory own = _order(keccak256("own"), franchisee, 1_000_000, 0);
        _placeFunded(own);
        vm.prank(franchisee);
        settlement.fulfill(own, RECEIPT);
        assertEq(gel.balanceOf(franchisee), 1_000_000, "money back as franchisee");
        assertEq(hotPot.balanceOf(franchisee), 0, "and no points");
    }

    function test_fulfill_usesRewardRateAtFulfilment() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.rewardPerUnit = 3e16;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        _fulfillAs(settler);
        assertEq(hotPot.balanceOf(alice), PAID * 3e16, "current rate");
    }

    function test_fulfill_zeroRewardRateMintsNothing() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.rewardPerUnit = 0;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        _fulfillAs(settler);
        assertEq(hotPot.balanceOf(alice), 0, "no reward");
        assertEq(gel.balanceOf(franchisee), NET, "still paid out");
    }

    function test_fulfill_worksAfterCurrencyDisallowed() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.allowed = false;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        _fulfillAs(settler);
        assertEq(gel.balanceOf(franchisee), NET, "escrowed orders still settle");
    }

    function test_fulfill_fullDiscountOrderMovesNoTokens() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.maxDiscountBps = 10_000;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        IOrderSettlement.TokenOrder memory free = _order(keccak256("free"), bob, 500, 500);
        _placeFunded(free);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderFulfilled(free.orderId, franchisee, franchisee, 0, 0, 0, RECEIPT);
        vm.prank(franchisee);
        settlement.fulfill(free, RECEIPT);
        assertEq(gel.balanceOf(franchisee), 0, "nothing to pay");
        assertEq(hotPot.balanceOf(bob), 0, "no reward on zero paid");
        _assertStatus(free.orderId, IOrderSettlement.OrderStatus.Fulfilled);
    }

    function test_fulfill_worksWhenRestaurantDeactivated() public {
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        _fulfillAs(franchisee);
        assertEq(gel.balanceOf(franchisee), NET, "deactivation never blocks payouts of placed orders");
    }

    function test_fulfill_paysCurrentOwnerAfterFranchiseTransfer() public {
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);

        _expectFulfillRevert(
            franchisee,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotOperator.selector, franchisee, RESTAURANT_ID)
        );
        _fulfillAs(franchisee2);
        assertEq(gel.balanceOf(franchisee2), NET, "new owner paid");
        assertEq(gel.balanceOf(franchisee), 0, "old owner not paid");
    }

    // ─── Reverts ─────────────────────────────────────────────────────────────────────────────

    function test_fulfill_revertsWhenReceiptEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementEmptyReceipt.selector));
        vm.prank(settler);
        settlement.fulfill(order, bytes32(0));
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_fulfill_receiptCheckedBeforeOrder() public {
        order.orderId = keccak256("never placed");
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementEmptyReceipt.selector));
        vm.prank(settler);
        settlement.fulfill(order, bytes32(0));
    }

    function test_fulfill_revertsWhenAlreadyFulfilled() public {
        _fulfillAs(settler);
        _expectFulfillRevert(settler, _invalidStatus(IOrderSettlement.OrderStatus.Fulfilled));
        assertEq(gel.balanceOf(franchisee), NET, "paid once");
        assertEq(hotPot.balanceOf(alice), REWARD, "rewarded once");
    }

    function test_fulfill_revertsWhenRefunded() public {
        vm.prank(settler);
        settlement.refund(order);
        _expectFulfillRevert(settler, _invalidStatus(IOrderSettlement.OrderStatus.Refunded));
    }

    function test_fulfill_revertsWhenReclaimed() public {
        vm.warp(order.reclaimAfter);
        vm.prank(alice);
        settlement.reclaim(order);
        _expectFulfillRevert(franchisee, _invalidStatus(IOrderSettlement.OrderStatus.Reclaimed));
    }

    function test_fulfill_revertsWhenOrderUnknown() public {
        order.orderId = keccak256("never placed");
        _expectFulfillRevert(
            settler,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderMismatch.selector, order.orderId)
        );
    }

    function test_fulfill_revertsWhenPriceTampered() public {
        order.price = 100_000;
        _expectFulfillRevert(
            settler,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderMismatch.selector, ORDER_ID)
        );
    }

    function test_fulfill_revertsWhenRestaurantTampered() public {
        _register(franchisee2, 2, 0);
        order.restaurantId = 2;
        _expectFulfillRevert(
            franchisee2,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderMismatch.selector, ORDER_ID)
        );
    }

    function test_fulfill_revertsWhenCustomerTampered() public {
        order.customer = mallory;
        _expectFulfillRevert(
            settler,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderMismatch.selector, ORDER_ID)
        );
    }

    function test_fulfill_revertsForCardOrderId() public {
        bytes32 cardId = keccak256("card order");
        _settleCard(cardId, alice, 1_000);
        order.orderId = cardId;
        _expectFulfillRevert(
            settler,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderMismatch.selector, cardId)
        );
    }

    function test_fulfill_revertsWhenNotOperator() public {
        _expectFulfillRevert(
            mallory,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotOperator.selector, mallory, RESTAURANT_ID)
        );
    }

    function test_fulfill_revertsWhenCustomerTriesToFulfil() public {
        _expectFulfillRevert(
            alice,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotOperator.selector, alice, RESTAURANT_ID)
        );
    }

    function test_fulfill_revertsForAdminWithoutSettlerRole() public {
        _expectFulfillRevert(
            admin,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotOperator.selector, admin, RESTAURANT_ID)
        );
    }

    function test_fulfill_revertsWhenPaused() public {
        vm.prank(pauser);
        settlement.pause();
        _expectFulfillRevert(settler, abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(pauser);
        settlement.unpause();
        _fulfillAs(settler);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Fulfilled);
    }

    function test_fulfill_revertsWhenLoyaltyTokenPaused() public {
        vm.prank(pauser);
        hotPot.pause();
        _expectFulfillRevert(settler, abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    // ─── Fuzz ────────────────────────────────────────────────────────────────────────────────

    function testFuzz_fulfill_payoutsSumToPaid(
        uint96 price,
        uint96 discount,
        uint16 feeBps,
        uint96 rewardPerUnit
    ) public {
        price = uint96(bound(price, 1, type(uint96).max));
        discount = uint96(bound(discount, 0, (uint256(price) * MAX_DISCOUNT_BPS) / 10_000));
        feeBps = uint16(bound(feeBps, 0, 5_000));
        rewardPerUnit = uint96(bound(rewardPerUnit, 0, 1e18));
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, feeBps);
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.rewardPerUnit = rewardPerUnit;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);

        IOrderSettlement.TokenOrder memory o = _order(keccak256("fuzz"), bob, price, discount);
        _placeFunded(o);
        uint256 paid = uint256(price) - discount;
        uint256 escrowBefore = gel.balanceOf(address(settlement));

        vm.prank(settler);
        settlement.fulfill(o, RECEIPT);

        uint256 fee = gel.balanceOf(treasury);
        uint256 net = gel.balanceOf(franchisee);
        assertEq(fee + net, paid, "no dust: fee + franchisee == paid");
        assertEq(fee, (paid * feeBps) / 10_000, "fee rounds down");
        assertEq(escrowBefore - gel.balanceOf(address(settlement)), paid, "escrow released exactly");
        uint256 cap = fee * POINTS_PER_DISCOUNT_UNIT;
        uint256 uncapped = paid * rewardPerUnit;
        assertEq(hotPot.balanceOf(bob), uncapped < cap ? uncapped : cap, "reward = min(paid x rate, fee in points)");
        assertLe(hotPot.balanceOf(bob) / POINTS_PER_DISCOUNT_UNIT, fee, "points never worth more than the fee");
    }
}
