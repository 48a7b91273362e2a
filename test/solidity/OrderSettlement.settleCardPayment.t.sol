// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract OrderSettlementSettleCardPaymentTest is BaseTest {
    bytes32 internal constant ORDER_ID = keccak256("card-order-1");
    bytes32 internal constant PAYMENT_REF = keccak256("pi_3PaBcDeFgHiJkLmN");
    uint64 internal constant AMOUNT = 4_550; // 45.50 GEL

    function _settle() internal {
        vm.prank(settler);
        settlement.settleCardPayment(ORDER_ID, RESTAURANT_ID, alice, AMOUNT, PAYMENT_REF, RECEIPT);
    }

    function _expectSettleRevert(
        bytes32 id,
        uint256 restaurantId,
        address customer,
        uint64 amount,
        bytes32 receipt,
        bytes memory err
    ) internal {
        vm.expectRevert(err);
        vm.prank(settler);
        settlement.settleCardPayment(id, restaurantId, customer, amount, PAYMENT_REF, receipt);
    }

    function test_settleCardPayment_recordsAndMintsReward() public {
        _settle();

        IOrderSettlement.OrderRecord memory rec = settlement.orderOf(ORDER_ID);
        assertEq(uint8(rec.status), uint8(IOrderSettlement.OrderStatus.CardSettled), "status");
        assertEq(rec.cardAmount, AMOUNT, "amount not yet refunded");
        assertEq(rec.customer, alice, "customer");
        assertEq(rec.cardRateEpoch, 0, "epoch of the initial rate");
        assertEq(settlement.tokenOrderHash(ORDER_ID), bytes32(0), "no token-order hash");
        assertEq(hotPot.balanceOf(alice), uint256(AMOUNT) * CARD_REWARD_PER_TETRI, "reward");
        // Card money never touches the chain.
        assertEq(gel.balanceOf(treasury), 0, "no token fee");
    }

    function test_settleCardPayment_emitsCardPaymentSettled() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentSettled(ORDER_ID, RESTAURANT_ID, alice, AMOUNT, PAYMENT_REF, RECEIPT);
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IERC20.Transfer(address(0), alice, uint256(AMOUNT) * CARD_REWARD_PER_TETRI);
        _settle();
    }

    function test_settleCardPayment_storesEpochOfCurrentRate() public {
        vm.startPrank(admin);
        settlement.setCardRewardPerUnit(2e16);
        settlement.setCardRewardPerUnit(5e16);
        vm.stopPrank();
        _settle();
        assertEq(settlement.orderOf(ORDER_ID).cardRateEpoch, 2, "epoch 2");
        assertEq(hotPot.balanceOf(alice), uint256(AMOUNT) * 5e16, "current rate");
    }

    function test_settleCardPayment_zeroRateMintsNothing() public {
        vm.prank(admin);
        settlement.setCardRewardPerUnit(0);
        _settle();
        assertEq(hotPot.totalSupply(), 0, "no reward");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.CardSettled);
    }

    function test_settleCardPayment_zeroRateWorksWhenLoyaltyTokenPaused() public {
        vm.prank(admin);
        settlement.setCardRewardPerUnit(0);
        vm.prank(pauser);
        hotPot.pause();
        _settle();
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.CardSettled);
    }

    function test_settleCardPayment_allowsZeroPaymentRef() public {
        vm.prank(settler);
        settlement.settleCardPayment(ORDER_ID, RESTAURANT_ID, alice, AMOUNT, bytes32(0), RECEIPT);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.CardSettled);
    }

    function test_settleCardPayment_maxAmount() public {
        vm.prank(settler);
        settlement.settleCardPayment(ORDER_ID, RESTAURANT_ID, alice, type(uint64).max, PAYMENT_REF, RECEIPT);
        assertEq(settlement.orderOf(ORDER_ID).cardAmount, type(uint64).max, "uint64 amount stored");
        assertEq(hotPot.balanceOf(alice), uint256(type(uint64).max) * CARD_REWARD_PER_TETRI, "reward");
    }

    function test_settleCardPayment_revertsWhenNotSettler() public {
        vm.expectRevert(_unauthorized(franchisee, SETTLER_ROLE));
        vm.prank(franchisee);
        settlement.settleCardPayment(ORDER_ID, RESTAURANT_ID, alice, AMOUNT, PAYMENT_REF, RECEIPT);
    }

    function test_settleCardPayment_revertsWhenOrderIdZero() public {
        _expectSettleRevert(
            bytes32(0),
            RESTAURANT_ID,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidOrderId.selector)
        );
    }

    function test_settleCardPayment_revertsWhenCustomerZero() public {
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            address(0),
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementZeroAddress.selector)
        );
    }

    function test_settleCardPayment_revertsWhenAmountZero() public {
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            0,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementZeroAmount.selector)
        );
    }

    function test_settleCardPayment_revertsWhenReceiptEmpty() public {
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            AMOUNT,
            bytes32(0),
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementEmptyReceipt.selector)
        );
    }

    function test_settleCardPayment_revertsWhenAlreadySettled() public {
        _settle();
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            bob,
            1,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID)
        );
        assertEq(settlement.orderOf(ORDER_ID).customer, alice, "first record kept");
    }

    function test_settleCardPayment_revertsWhenIdIsTokenOrder() public {
        _placeDefault(ORDER_ID);
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID)
        );
    }

    function test_settleCardPayment_revertsWhenFullyRefundedBefore() public {
        _settle();
        vm.prank(settler);
        settlement.recordCardRefund(ORDER_ID, AMOUNT, keccak256("re_1"));
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID)
        );
    }

    function test_settleCardPayment_revertsWhenRestaurantInactive() public {
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, RESTAURANT_ID)
        );
    }

    function test_settleCardPayment_revertsWhenRestaurantUnknown() public {
        // isActive is false for unknown ids: no FranchiseNFTUnknownRestaurant any more.
        _expectSettleRevert(
            ORDER_ID,
            5,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 5)
        );
    }

    function test_settleCardPayment_revertsWhenRestaurantZero() public {
        _expectSettleRevert(
            ORDER_ID,
            0,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 0)
        );
    }

    function test_settleCardPayment_orderExistsCheckedBeforeRestaurant() public {
        _settle();
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        // A resent record reports the duplicate, whatever became of the restaurant since.
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID)
        );
        _expectSettleRevert(
            ORDER_ID,
            99,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID)
        );
    }

    function test_settleCardPayment_restaurantCheckedBeforeEntryFields() public {
        // Order exists → restaurant → order id, customer, amount, receipt.
        _expectSettleRevert(
            bytes32(0),
            99,
            address(0),
            0,
            bytes32(0),
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 99)
        );
    }

    function test_settleCardPayment_worksAgainAfterReactivation() public {
        vm.startPrank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        franchise.setActive(RESTAURANT_ID, true);
        vm.stopPrank();
        _settle();
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.CardSettled);
    }

    function test_settleCardPayment_revertsWhenPaused() public {
        vm.prank(pauser);
        settlement.pause();
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(Pausable.EnforcedPause.selector)
        );
    }

    function test_settleCardPayment_revertsWhenLoyaltyTokenPaused() public {
        vm.prank(pauser);
        hotPot.pause();
        _expectSettleRevert(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            AMOUNT,
            RECEIPT,
            abi.encodeWithSelector(Pausable.EnforcedPause.selector)
        );
    }

    function testFuzz_settleCardPayment_reward(uint64 amount, uint16 feeBps, uint96 rate, bytes32 receipt) public {
        amount = uint64(bound(amount, 1, type(uint64).max));
        feeBps = uint16(bound(feeBps, 0, 5_000));
        rate = uint96(bound(rate, 0, 1e20));
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, feeBps);
        vm.prank(admin);
        settlement.setCardRewardPerUnit(rate);

        vm.assume(receipt != bytes32(0));
        uint256 reward = uint256(amount) * rate;
        // The event no longer carries fee or reward: the restaurant's fee plays no part in a card record.
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardPaymentSettled(ORDER_ID, RESTAURANT_ID, bob, amount, PAYMENT_REF, receipt);
        vm.prank(settler);
        settlement.settleCardPayment(ORDER_ID, RESTAURANT_ID, bob, amount, PAYMENT_REF, receipt);

        assertEq(hotPot.balanceOf(bob), reward, "reward minted");
        assertEq(settlement.orderOf(ORDER_ID).cardRateEpoch, 1, "epoch after one change");
    }
}
