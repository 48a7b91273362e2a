// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract OrderSettlementSettleCardPaymentsTest is BaseTest {
    function _payment(
        uint256 n,
        address customer,
        uint64 amount
    ) internal pure returns (IOrderSettlement.CardPayment memory) {
        return
            IOrderSettlement.CardPayment({
                orderId: keccak256(abi.encode("card", n)),
                restaurantId: RESTAURANT_ID,
                customer: customer,
                amount: amount,
                paymentRef: keccak256(abi.encode("pi", n)),
                receiptDigest: RECEIPT
            });
    }

    function _batch3() internal view returns (IOrderSettlement.CardPayment[] memory batch) {
        batch = new IOrderSettlement.CardPayment[](3);
        batch[0] = _payment(1, alice, 1_000);
        batch[1] = _payment(2, bob, 2_000);
        batch[2] = _payment(3, alice, 3_000);
    }

    function _settleBatch(IOrderSettlement.CardPayment[] memory batch) internal returns (uint256) {
        vm.prank(settler);
        return settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_recordsEveryEntry() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        uint256 settled = _settleBatch(batch);

        assertEq(settled, 3, "all recorded");
        for (uint256 i; i < 3; ++i) {
            IOrderSettlement.OrderRecord memory rec = settlement.orderOf(batch[i].orderId);
            assertEq(uint8(rec.status), uint8(IOrderSettlement.OrderStatus.CardSettled), "status");
            assertEq(rec.cardAmount, batch[i].amount, "amount");
            assertEq(rec.customer, batch[i].customer, "customer");
        }
        assertEq(hotPot.balanceOf(alice), 4_000 * uint256(CARD_REWARD_PER_TETRI), "alice rewards");
        assertEq(hotPot.balanceOf(bob), 2_000 * uint256(CARD_REWARD_PER_TETRI), "bob rewards");
    }

    function test_settleCardPayments_emitsPerEntry() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(settlement));
            emit IOrderSettlement.CardPaymentSettled(
                batch[i].orderId,
                RESTAURANT_ID,
                batch[i].customer,
                batch[i].amount,
                batch[i].paymentRef,
                RECEIPT
            );
        }
        _settleBatch(batch);
    }

    function test_settleCardPayments_skipsAlreadySettled() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        vm.prank(settler);
        settlement.settleCardPayment(batch[1].orderId, RESTAURANT_ID, bob, 2_000, batch[1].paymentRef, RECEIPT);
        uint256 bobBefore = hotPot.balanceOf(bob);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentDuplicateSkipped(batch[1].orderId);
        uint256 settled = _settleBatch(batch);

        assertEq(settled, 2, "two new entries");
        assertEq(hotPot.balanceOf(bob), bobBefore, "no second reward for the duplicate");
    }

    function test_settleCardPayments_skipsDuplicateWithinBatch() public {
        IOrderSettlement.CardPayment[] memory batch = new IOrderSettlement.CardPayment[](3);
        batch[0] = _payment(1, alice, 1_000);
        batch[1] = _payment(1, bob, 9_999); // same order id, different content
        batch[2] = _payment(2, bob, 2_000);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentDuplicateSkipped(batch[1].orderId);
        uint256 settled = _settleBatch(batch);

        assertEq(settled, 2, "duplicate skipped");
        IOrderSettlement.OrderRecord memory rec = settlement.orderOf(batch[0].orderId);
        assertEq(rec.customer, alice, "first entry wins");
        assertEq(rec.cardAmount, 1_000, "first amount");
        assertEq(hotPot.balanceOf(bob), 2_000 * uint256(CARD_REWARD_PER_TETRI), "bob rewarded for entry 2 only");
    }

    function test_settleCardPayments_resendAfterCrashSettlesNothing() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        _settleBatch(batch);
        uint256 supply = hotPot.totalSupply();

        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(settlement));
            emit IOrderSettlement.CardPaymentDuplicateSkipped(batch[i].orderId);
        }
        uint256 settled = _settleBatch(batch);
        assertEq(settled, 0, "nothing new");
        assertEq(hotPot.totalSupply(), supply, "no reward minted twice");
    }

    function test_settleCardPayments_skipsIdOfTokenOrder() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        IOrderSettlement.TokenOrder memory order = _order(batch[0].orderId, alice, 10_000, 0);
        _placeFunded(order);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentDuplicateSkipped(batch[0].orderId);
        uint256 settled = _settleBatch(batch);
        assertEq(settled, 2, "token order id skipped");
        _assertStatus(batch[0].orderId, IOrderSettlement.OrderStatus.Escrowed);
    }

    /// @dev As the NatSpec now says, an id used by a token order (here one still escrowed) is
    /// skipped like any used id; settleCardPayment for the same entry reverts with OrderExists.
    /// The relayer must refund such a card payment. (A customer can no longer take a card order's
    /// id on purpose: token orders need a settler's quote for that id and customer.)
    function test_settleCardPayments_skipsIdEscrowedByTokenOrder() public {
        IOrderSettlement.CardPayment[] memory batch = new IOrderSettlement.CardPayment[](1);
        batch[0] = _payment(1, alice, 5_000);
        IOrderSettlement.TokenOrder memory tokenOrder = _order(batch[0].orderId, bob, 1, 0);
        _placeFunded(tokenOrder);

        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, batch[0].orderId));
        vm.prank(settler);
        settlement.settleCardPayment(batch[0].orderId, RESTAURANT_ID, alice, 5_000, batch[0].paymentRef, RECEIPT);

        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentDuplicateSkipped(batch[0].orderId);
        assertEq(_settleBatch(batch), 0, "reported as a duplicate");
        assertEq(hotPot.balanceOf(alice), 0, "alice's card payment earned nothing");
        assertEq(settlement.orderOf(batch[0].orderId).customer, address(0), "no card record exists");
        _assertStatus(batch[0].orderId, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_settleCardPayments_skipsIdOfFinishedTokenOrders() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        IOrderSettlement.TokenOrder memory fulfilled = _order(batch[0].orderId, bob, 1_000, 0);
        IOrderSettlement.TokenOrder memory refunded = _order(batch[2].orderId, bob, 1_000, 0);
        _placeFunded(fulfilled);
        _placeFunded(refunded);
        vm.startPrank(settler);
        settlement.fulfill(fulfilled, RECEIPT);
        settlement.refund(refunded);
        vm.stopPrank();

        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentDuplicateSkipped(batch[0].orderId);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentSettled(
            batch[1].orderId,
            RESTAURANT_ID,
            bob,
            2_000,
            batch[1].paymentRef,
            RECEIPT
        );
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentDuplicateSkipped(batch[2].orderId);
        assertEq(_settleBatch(batch), 1, "only the unused id");
        _assertStatus(batch[0].orderId, IOrderSettlement.OrderStatus.Fulfilled);
        _assertStatus(batch[2].orderId, IOrderSettlement.OrderStatus.Refunded);
    }

    // ─── Restaurant checks ───────────────────────────────────────────────────────────────────

    function _batchFor(
        uint256[] memory restaurants
    ) internal view returns (IOrderSettlement.CardPayment[] memory batch) {
        batch = new IOrderSettlement.CardPayment[](restaurants.length);
        for (uint256 i; i < restaurants.length; ++i) {
            batch[i] = _payment(i + 1, i % 2 == 0 ? alice : bob, uint64(1_000 * (i + 1)));
            batch[i].restaurantId = restaurants[i];
        }
    }

    function _ids(uint256 a, uint256 b, uint256 c, uint256 d) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](4);
        (ids[0], ids[1], ids[2], ids[3]) = (a, b, c, d);
    }

    function test_settleCardPayments_sortedByRestaurant() public {
        _register(franchisee2, 2, 0);
        IOrderSettlement.CardPayment[] memory batch = _batchFor(_ids(1, 1, 2, 2));
        for (uint256 i; i < 4; ++i) {
            vm.expectEmit(true, true, true, true, address(settlement));
            emit IOrderSettlement.CardPaymentSettled(
                batch[i].orderId,
                batch[i].restaurantId,
                batch[i].customer,
                batch[i].amount,
                batch[i].paymentRef,
                RECEIPT
            );
        }
        assertEq(_settleBatch(batch), 4, "all four recorded");
        for (uint256 i; i < 4; ++i) _assertStatus(batch[i].orderId, IOrderSettlement.OrderStatus.CardSettled);
    }

    function test_settleCardPayments_checksEachRestaurantOnce() public {
        _register(franchisee2, 2, 0);
        IOrderSettlement.CardPayment[] memory batch = _batchFor(_ids(1, 1, 2, 2));
        // One isActive lookup per run of equal restaurant ids: [1, 1, 2, 2] asks twice.
        vm.expectCall(address(franchise), abi.encodeCall(franchise.isActive, (1)), 1);
        vm.expectCall(address(franchise), abi.encodeCall(franchise.isActive, (2)), 1);
        _settleBatch(batch);
    }

    function test_settleCardPayments_unsortedBatchChecksEachRun() public {
        _register(franchisee2, 2, 0);
        IOrderSettlement.CardPayment[] memory batch = _batchFor(_ids(1, 2, 1, 2));
        vm.expectCall(address(franchise), abi.encodeCall(franchise.isActive, (1)), 2);
        vm.expectCall(address(franchise), abi.encodeCall(franchise.isActive, (2)), 2);
        assertEq(_settleBatch(batch), 4, "all recorded");
    }

    function test_settleCardPayments_revertsWhenInactiveRestaurantFollowsActiveOne() public {
        _register(franchisee2, 2, 0);
        vm.prank(franchiseAdmin);
        franchise.setActive(2, false);
        IOrderSettlement.CardPayment[] memory batch = _batchFor(_ids(1, 1, 2, 2));
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 2));
        vm.prank(settler);
        settlement.settleCardPayments(batch);
        _assertStatus(batch[0].orderId, IOrderSettlement.OrderStatus.None);
        assertEq(hotPot.totalSupply(), 0, "nothing minted");
    }

    function test_settleCardPayments_revertsWhenFirstRestaurantInactive() public {
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        _register(franchisee2, 2, 0);
        IOrderSettlement.CardPayment[] memory batch = _batchFor(_ids(1, 1, 2, 2));
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, RESTAURANT_ID)
        );
        vm.prank(settler);
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_revertsOnUnknownRestaurantAfterKnownOne() public {
        IOrderSettlement.CardPayment[] memory batch = _batchFor(_ids(1, 1, 7, 7));
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 7));
        vm.prank(settler);
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_skippedEntryNeedsNoActiveRestaurant() public {
        // A duplicate is skipped before its restaurant is looked at: resending a batch after the
        // restaurant was deactivated still goes through.
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        _settleBatch(batch);
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        assertEq(_settleBatch(batch), 0, "all skipped, no revert");
    }

    /// @dev Documents a contract bug (see the report): the cache starts at restaurant 0 ("never
    /// registered, so the first entry always checks its restaurant"), but an entry whose
    /// restaurantId IS 0 then matches the cache and is never checked. settleCardPayment rejects
    /// restaurant 0 (RestaurantInactive), settleCardPayments records it and mints the reward.
    function test_settleCardPayments_revertsForRestaurantZero() public {
        IOrderSettlement.CardPayment[] memory batch = _batchFor(_ids(0, 0, 1, 1));
        assertFalse(franchise.isActive(0), "restaurant 0 does not exist");
        vm.prank(settler);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 0));
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_revertsForRestaurantZeroAfterASkippedDuplicate() public {
        IOrderSettlement.CardPayment[] memory first = _batchFor(_ids(1, 1, 1, 1));
        _settleBatch(first);
        IOrderSettlement.CardPayment[] memory batch = new IOrderSettlement.CardPayment[](2);
        batch[0] = first[0];
        batch[1] = _payment(100, alice, 1_000);
        batch[1].restaurantId = 0;
        vm.prank(settler);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 0));
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_usesOneRateForTheBatch() public {
        vm.prank(admin);
        settlement.setCardRewardPerUnit(7e16);
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        _settleBatch(batch);
        for (uint256 i; i < 3; ++i) {
            assertEq(settlement.orderOf(batch[i].orderId).cardRateEpoch, 1, "epoch 1");
        }
        assertEq(hotPot.balanceOf(alice), 4_000 * uint256(7e16), "rate 7e16");
    }

    function test_settleCardPayments_revertsWhenEmpty() public {
        IOrderSettlement.CardPayment[] memory batch = new IOrderSettlement.CardPayment[](0);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementEmptyBatch.selector));
        vm.prank(settler);
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_invalidEntryRevertsWholeBatch() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        batch[2].amount = 0;
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementZeroAmount.selector));
        vm.prank(settler);
        settlement.settleCardPayments(batch);
        _assertStatus(batch[0].orderId, IOrderSettlement.OrderStatus.None);
        assertEq(hotPot.totalSupply(), 0, "nothing minted");
    }

    function test_settleCardPayments_revertsOnZeroOrderId() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        batch[1].orderId = bytes32(0);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidOrderId.selector));
        vm.prank(settler);
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_revertsOnEmptyReceipt() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        batch[0].receiptDigest = bytes32(0);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementEmptyReceipt.selector));
        vm.prank(settler);
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_revertsOnInactiveRestaurant() public {
        _register(franchisee2, 2, 0);
        vm.prank(franchiseAdmin);
        franchise.setActive(2, false);
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        batch[1].restaurantId = 2;
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 2));
        vm.prank(settler);
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_revertsWhenNotSettler() public {
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        vm.expectRevert(_unauthorized(admin, SETTLER_ROLE));
        vm.prank(admin);
        settlement.settleCardPayments(batch);
    }

    function test_settleCardPayments_revertsWhenPaused() public {
        vm.prank(pauser);
        settlement.pause();
        IOrderSettlement.CardPayment[] memory batch = _batch3();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(settler);
        settlement.settleCardPayments(batch);
    }

    function testFuzz_settleCardPayments_duplicatesSkipped(uint8 size, uint256 seed) public {
        size = uint8(bound(size, 1, 24));
        IOrderSettlement.CardPayment[] memory batch = new IOrderSettlement.CardPayment[](size);
        // Ids drawn from a small pool so duplicates are frequent.
        bool[8] memory seen;
        uint256 distinct;
        uint256 expectedReward;
        for (uint256 i; i < size; ++i) {
            uint256 n = uint256(keccak256(abi.encode(seed, i))) % 8;
            uint64 amount = uint64(1 + (uint256(keccak256(abi.encode(seed, i, "amount"))) % 1e9));
            batch[i] = _payment(n, alice, amount);
            if (!seen[n]) {
                seen[n] = true;
                ++distinct;
                expectedReward += uint256(amount) * CARD_REWARD_PER_TETRI;
            }
        }
        uint256 settled = _settleBatch(batch);
        assertEq(settled, distinct, "one settlement per distinct id");
        assertEq(hotPot.balanceOf(alice), expectedReward, "first occurrence of each id rewarded");
        assertEq(_settleBatch(batch), 0, "resend settles nothing");
    }
}
