// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IFranchiseNFT} from "../../contracts/interfaces/IFranchiseNFT.sol";
import {IHotPotToken} from "../../contracts/interfaces/IHotPotToken.sol";
import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";
import {FeeOnTransferToken} from "./utils/mocks/FeeOnTransferToken.sol";

contract OrderSettlementPlaceOrderTest is BaseTest {
    bytes32 internal constant ORDER_ID = keccak256("api-order-1");

    IOrderSettlement.TokenOrder internal order;

    function setUp() public override {
        super.setUp();
        order = _order(ORDER_ID, alice, 10_000, 1_000);
        _fund(alice, 1_000_000);
        _givePoints(alice, 5_000e18);
    }

    function _place() internal {
        vm.prank(alice);
        settlement.placeOrder(order);
    }

    function _expectPlaceRevert(bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(alice);
        settlement.placeOrder(order);
    }

    // ─── Success ─────────────────────────────────────────────────────────────────────────────

    function test_placeOrder_escrowsPaymentAndBurnsPoints() public {
        uint256 gelBefore = gel.balanceOf(alice);
        uint256 pointsBefore = hotPot.balanceOf(alice);
        _place();

        assertEq(gel.balanceOf(address(settlement)), 9_000, "escrowed price - discount");
        assertEq(gel.balanceOf(alice), gelBefore - 9_000, "customer paid");
        assertEq(hotPot.balanceOf(alice), pointsBefore - 1_000e18, "points burned");
        assertEq(hotPot.totalSupply(), pointsBefore - 1_000e18, "points supply reduced");
        IOrderSettlement.OrderRecord memory rec = settlement.orderOf(ORDER_ID);
        assertEq(uint8(rec.status), uint8(IOrderSettlement.OrderStatus.Escrowed), "escrowed");
        assertEq(rec.cardAmount, 0, "no card amount");
        assertEq(rec.customer, address(0), "customer not stored for token orders");
        assertEq(rec.cardRateEpoch, 0, "no epoch");
        assertEq(settlement.tokenOrderHash(ORDER_ID), settlement.hashTokenOrder(order), "hash stored");
    }

    function test_placeOrder_emitsTokenOrderPlaced() public {
        // Checks → write + emit → token movements last.
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TokenOrderPlaced(
            ORDER_ID,
            RESTAURANT_ID,
            alice,
            address(gel),
            10_000,
            1_000,
            1_000e18,
            9_000,
            order.reclaimAfter
        );
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IHotPotToken.LoyaltyRedeemed(alice, 1_000e18, address(settlement));
        vm.expectEmit(true, true, true, true, address(gel));
        emit IERC20.Transfer(alice, address(settlement), 9_000);
        _place();
    }

    function test_placeOrder_withoutDiscountNeedsNoPoints() public {
        order = _order(ORDER_ID, bob, 2_500, 0);
        _fund(bob, 2_500);
        vm.prank(bob);
        settlement.placeOrder(order);
        assertEq(gel.balanceOf(address(settlement)), 2_500, "full price escrowed");
        assertEq(gel.balanceOf(bob), 0, "bob paid all");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrder_maxDiscountAccepted() public {
        order = _order(ORDER_ID, alice, 10_000, 5_000);
        _place();
        assertEq(gel.balanceOf(address(settlement)), 5_000, "half paid in tokens");
    }

    function test_placeOrder_fullDiscountCollectsNoTokens() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.maxDiscountBps = 10_000;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);

        order = _order(ORDER_ID, bob, 300, 300);
        _givePoints(bob, 300e18);
        // Bob holds no tGEL and gave no allowance: nothing is pulled.
        vm.prank(bob);
        settlement.placeOrder(order);
        assertEq(gel.balanceOf(address(settlement)), 0, "nothing escrowed");
        assertEq(hotPot.balanceOf(bob), 0, "points burned");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrder_reclaimAfterExactlyMinDelay() public {
        order.reclaimAfter = uint48(block.timestamp + settlement.MIN_RECLAIM_DELAY());
        _place();
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrder_sameIdDifferentCustomerRejected() public {
        _place();
        IOrderSettlement.TokenOrder memory other = _order(ORDER_ID, bob, 100, 0);
        _fund(bob, 100);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));
        vm.prank(bob);
        settlement.placeOrder(other);
    }

    /// @dev Documents a design weakness (see the report): order ids are not bound to the customer,
    /// so anyone who sees a pending order can take its id first. Mallory's 1-tetri order blocks
    /// Alice's, and Mallory reclaims her tetri an hour later: the griefing costs only gas, and the
    /// id is used up for good.
    function test_placeOrder_orderIdCanBeTakenByAnotherCustomerFirst() public {
        IOrderSettlement.TokenOrder memory squat = _order(ORDER_ID, mallory, 1, 0);
        squat.reclaimAfter = uint48(block.timestamp + 1 hours);
        _placeFunded(squat);

        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));

        vm.warp(squat.reclaimAfter);
        vm.prank(mallory);
        settlement.reclaim(squat);
        assertEq(gel.balanceOf(mallory), 1, "squatter got her money back");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Reclaimed);
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));
    }

    // ─── Reverts ─────────────────────────────────────────────────────────────────────────────

    function test_placeOrder_revertsWhenNotCustomer() public {
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotCustomer.selector, bob, alice));
        vm.prank(bob);
        settlement.placeOrder(order);
    }

    function test_placeOrder_revertsWhenOrderIdZero() public {
        order.orderId = bytes32(0);
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidOrderId.selector));
    }

    function test_placeOrder_revertsWhenOrderExists() public {
        _place();
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));
    }

    function test_placeOrder_revertsWhenIdUsedByCardPayment() public {
        _settleCard(ORDER_ID, bob, 500);
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));
    }

    function test_placeOrder_revertsWhenIdRefundedBefore() public {
        _place();
        vm.prank(settler);
        settlement.refund(order);
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));
    }

    function test_placeOrder_revertsWhenCurrencyUnknown() public {
        address unknown = makeAddr("unknownToken");
        order.token = unknown;
        _expectPlaceRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementCurrencyNotAllowed.selector, unknown)
        );
    }

    function test_placeOrder_revertsWhenCurrencyDisallowed() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.allowed = false;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        _expectPlaceRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementCurrencyNotAllowed.selector, address(gel))
        );
    }

    function test_placeOrder_revertsWhenPriceZero() public {
        order = _order(ORDER_ID, alice, 0, 0);
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementZeroAmount.selector));
    }

    function test_placeOrder_revertsWhenDiscountTooHigh() public {
        order = _order(ORDER_ID, alice, 10_000, 5_001);
        _expectPlaceRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementDiscountTooHigh.selector, 5_001, 5_000)
        );
    }

    function test_placeOrder_revertsWhenDiscountTooHighAfterRounding() public {
        // 50% of 3 tetri rounds down to 1.
        order = _order(ORDER_ID, alice, 3, 2);
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementDiscountTooHigh.selector, 2, 1));
    }

    function test_placeOrder_revertsWhenDiscountNotAllowedByCurrency() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.maxDiscountBps = 0;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        order = _order(ORDER_ID, alice, 10_000, 1);
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementDiscountTooHigh.selector, 1, 0));
    }

    function test_placeOrder_revertsWhenPointsTooFew() public {
        order.pointsRedeemed = 1_000e18 - 1;
        _expectPlaceRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidRedemption.selector, 1_000e18 - 1, 1_000e18)
        );
    }

    function test_placeOrder_revertsWhenPointsTooMany() public {
        order.pointsRedeemed = 1_000e18 + 1;
        _expectPlaceRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidRedemption.selector, 1_000e18 + 1, 1_000e18)
        );
    }

    function test_placeOrder_revertsWhenPointsWithoutDiscount() public {
        order = _order(ORDER_ID, alice, 10_000, 0);
        order.pointsRedeemed = 1e18;
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidRedemption.selector, 1e18, 0));
    }

    function test_placeOrder_revertsWhenReclaimTooSoon() public {
        uint256 earliest = block.timestamp + 1 hours;
        order.reclaimAfter = uint48(earliest - 1);
        _expectPlaceRevert(
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementReclaimTooSoon.selector,
                uint48(earliest - 1),
                earliest
            )
        );
    }

    function test_placeOrder_revertsWhenReclaimAfterInPast() public {
        vm.warp(1_800_000_000);
        order.reclaimAfter = 1_700_000_000;
        _expectPlaceRevert(
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementReclaimTooSoon.selector,
                uint48(1_700_000_000),
                uint256(1_800_000_000 + 1 hours)
            )
        );
    }

    function test_placeOrder_revertsWhenRestaurantInactive() public {
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        _expectPlaceRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, RESTAURANT_ID)
        );
    }

    function test_placeOrder_revertsWhenRestaurantUnknown() public {
        order.restaurantId = 99;
        _expectPlaceRevert(abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTUnknownRestaurant.selector, 99));
    }

    function test_placeOrder_revertsWhenPaused() public {
        vm.prank(pauser);
        settlement.pause();
        _expectPlaceRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
    }

    function test_placeOrder_worksAfterUnpause() public {
        vm.prank(pauser);
        settlement.pause();
        vm.prank(pauser);
        settlement.unpause();
        _place();
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrder_revertsWhenAllowanceTooLow() public {
        vm.prank(alice);
        gel.approve(address(settlement), 8_999);
        _expectPlaceRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(settlement), 8_999, 9_000)
        );
    }

    function test_placeOrder_revertsWhenTokenBalanceTooLow() public {
        order = _order(ORDER_ID, bob, 10_000, 0);
        _fund(bob, 9_999);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, 9_999, 10_000));
        vm.prank(bob);
        settlement.placeOrder(order);
    }

    function test_placeOrder_revertsWhenPointsBalanceTooLow() public {
        order = _order(ORDER_ID, bob, 10_000, 100);
        _fund(bob, 10_000);
        _givePoints(bob, 100e18 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, 100e18 - 1, 100e18)
        );
        vm.prank(bob);
        settlement.placeOrder(order);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.None);
    }

    function test_placeOrder_revertsWhenFeeOnTransferToken() public {
        FeeOnTransferToken fot = new FeeOnTransferToken();
        vm.prank(admin);
        settlement.setCurrency(address(fot), _gelConfig());
        fot.mint(alice, 10_000);
        vm.prank(alice);
        fot.approve(address(settlement), type(uint256).max);

        order.token = address(fot);
        // 1% of the 9,000 pulled is burned in transit.
        _expectPlaceRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementTransferMismatch.selector, 9_000, 8_910)
        );
    }

    function test_placeOrder_revertsWithDiscountWhenLoyaltyTokenPaused() public {
        vm.prank(pauser);
        hotPot.pause();
        _expectPlaceRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
    }

    function test_placeOrder_withoutDiscountWorksWhenLoyaltyTokenPaused() public {
        vm.prank(pauser);
        hotPot.pause();
        order = _order(ORDER_ID, alice, 10_000, 0);
        _place();
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    // ─── Fuzz ────────────────────────────────────────────────────────────────────────────────

    function testFuzz_placeOrder_discountBounds(uint96 price, uint96 discount, uint16 maxBps) public {
        price = uint96(bound(price, 1, 1e15));
        maxBps = uint16(bound(maxBps, 0, 10_000));
        discount = uint96(bound(discount, 0, price));
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.maxDiscountBps = maxBps;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);

        order = _order(ORDER_ID, bob, price, discount);
        _fund(bob, price);
        _givePoints(bob, order.pointsRedeemed);

        uint256 maxDiscount = (uint256(price) * maxBps) / 10_000;
        if (discount > maxDiscount) {
            vm.expectRevert(
                abi.encodeWithSelector(IOrderSettlement.OrderSettlementDiscountTooHigh.selector, discount, maxDiscount)
            );
        }
        vm.prank(bob);
        settlement.placeOrder(order);

        if (discount <= maxDiscount) {
            assertEq(gel.balanceOf(address(settlement)), price - discount, "escrowed price - discount");
            assertEq(gel.balanceOf(bob), discount, "bob kept the discount");
            assertEq(hotPot.balanceOf(bob), 0, "all points redeemed");
        }
    }
}

contract OrderSettlementPlaceOrderWithPermitTest is BaseTest {
    bytes32 internal constant ORDER_ID = keccak256("api-order-permit");

    IOrderSettlement.TokenOrder internal order;
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        order = _order(ORDER_ID, alice, 10_000, 1_000);
        // Funded but without any allowance: the permit must supply it.
        vm.prank(admin);
        gel.mint(alice, 100_000);
        _givePoints(alice, 1_000e18);
        deadline = block.timestamp + 30 minutes;
    }

    function test_placeOrderWithPermit_usesSignature() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.expectEmit(true, true, true, true, address(gel));
        emit IERC20.Approval(alice, address(settlement), 9_000);
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);

        assertEq(gel.balanceOf(address(settlement)), 9_000, "escrowed");
        assertEq(gel.allowance(alice, address(settlement)), 0, "permit allowance used up");
        assertEq(gel.nonces(alice), 1, "permit nonce consumed");
        assertEq(hotPot.balanceOf(alice), 0, "points burned");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrderWithPermit_frontRunPermitStillPlaces() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        // Mallory copies the signature from the mempool and submits the permit first.
        vm.prank(mallory);
        gel.permit(alice, address(settlement), 9_000, deadline, v, r, s);
        assertEq(gel.nonces(alice), 1, "nonce used by the front-runner");

        vm.prank(alice);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);
        assertEq(gel.balanceOf(address(settlement)), 9_000, "existing allowance taken");
        assertEq(gel.allowance(alice, address(settlement)), 0, "allowance used");
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrderWithPermit_expiredPermitFallsBackToAllowance() public {
        uint256 past = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, past);
        vm.prank(alice);
        gel.approve(address(settlement), 9_000);
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, past, v, r, s);
        assertEq(gel.balanceOf(address(settlement)), 9_000, "escrowed with the allowance");
        assertEq(gel.nonces(alice), 0, "permit not applied");
    }

    function test_placeOrderWithPermit_revertsWhenPermitInvalidAndNoAllowance() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(bobKey, alice, 9_000, 0, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(settlement), 0, 9_000)
        );
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenPermitSignedForFullPrice() public {
        // The contract permits exactly price - discount; a signature over another value does not verify.
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 10_000, 0, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(settlement), 0, 9_000)
        );
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenNotCustomer() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotCustomer.selector, mallory, alice));
        vm.prank(mallory);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenPaused() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.prank(pauser);
        settlement.pause();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenOrderExists() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_tokenWithoutPermitUsesAllowance() public {
        FeeOnTransferToken noPermit = new FeeOnTransferToken();
        vm.prank(admin);
        settlement.setCurrency(address(noPermit), _gelConfig());
        noPermit.mint(alice, 10_000);
        vm.prank(alice);
        noPermit.approve(address(settlement), type(uint256).max);
        order.token = address(noPermit);
        // The permit call fails (no such function) and is ignored; the pull then reveals the fee.
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementTransferMismatch.selector, 9_000, 8_910)
        );
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, deadline, 0, bytes32(0), bytes32(0));
    }

    function testFuzz_placeOrderWithPermit_amounts(uint96 price, uint96 discount, uint256 warpBy) public {
        price = uint96(bound(price, 1, 1e20));
        discount = uint96(bound(discount, 0, (uint256(price) * MAX_DISCOUNT_BPS) / 10_000));
        warpBy = bound(warpBy, 0, 30 minutes);
        order = _order(ORDER_ID, bob, price, discount);
        vm.prank(admin);
        gel.mint(bob, price);
        _givePoints(bob, order.pointsRedeemed);
        uint256 paid = price - discount;
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(bobKey, bob, paid, 0, deadline);

        vm.warp(block.timestamp + warpBy);
        order.reclaimAfter = uint48(block.timestamp + 1 hours);
        vm.prank(bob);
        settlement.placeOrderWithPermit(order, deadline, v, r, s);

        assertEq(gel.balanceOf(address(settlement)), paid, "escrowed exactly price - discount");
        assertEq(gel.balanceOf(bob), discount, "customer keeps the discount");
        assertEq(gel.allowance(bob, address(settlement)), 0, "permit for exactly the amount paid");
        assertEq(gel.nonces(bob), 1, "permit applied");
        assertEq(hotPot.balanceOf(bob), 0, "points burned");
    }
}
