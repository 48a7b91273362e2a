// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {OrderSettlement} from "../../contracts/OrderSettlement.sol";
import {IHotPotToken} from "../../contracts/interfaces/IHotPotToken.sol";
import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";
import {FeeOnTransferToken} from "./utils/mocks/FeeOnTransferToken.sol";

contract OrderSettlementPlaceOrderTest is BaseTest {
    bytes32 internal constant ORDER_ID = keccak256("api-order-1");
    /// @dev The order of secp256k1's group.
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    IOrderSettlement.TokenOrder internal order;
    uint256 internal homeChainId;

    function setUp() public override {
        super.setUp();
        order = _order(ORDER_ID, alice, 10_000, 1_000);
        _fund(alice, 1_000_000);
        _givePoints(alice, 5_000e18);
    }

    function _place() internal {
        _placeQuoted(order);
    }

    /// @dev Alice places `order` with a valid settler quote for it and expects `err`.
    function _expectPlaceRevert(bytes memory err) internal {
        _expectPlaceRevert(_quote(order), err);
    }

    function _expectPlaceRevert(bytes memory quote, bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(alice);
        settlement.placeOrder(order, quote);
    }

    /// @dev Expects Alice's placement of the (tampered) `order` with `quote` to revert with the
    /// address that quote recovers to for it, which is not the settler.
    function _expectTamperedQuoteRejected(bytes memory quote) internal {
        address recovered = _recovered(order, quote);
        assertTrue(recovered != settler, "quote does not verify for the tampered order");
        _expectPlaceRevert(quote, _invalidQuote(recovered));
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
        _placeQuoted(order);
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
        _placeQuoted(order);
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
        bytes memory quote = _quote(other);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));
        vm.prank(bob);
        settlement.placeOrder(other, quote);
    }

    /// @dev The order-id squatting finding, fixed: an order id is now bound to its customer twice
    /// over. Mallory, who saw Alice's order and its quote in the mempool, can neither send them
    /// herself (the customer must be the sender) nor re-point the order at herself (the quote
    /// covers the customer), so the id stays free and Alice's order goes through.
    function test_placeOrder_customerCannotTakeOrderIdQuotedForAnother() public {
        bytes memory aliceQuote = _quote(order);
        _fund(mallory, 1_000_000);
        _givePoints(mallory, 5_000e18);

        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotCustomer.selector, mallory, alice));
        vm.prank(mallory);
        settlement.placeOrder(order, aliceQuote);

        IOrderSettlement.TokenOrder memory squat = order;
        squat.customer = mallory;
        address recovered = _recovered(squat, aliceQuote);
        assertTrue(recovered != settler, "the quote does not cover another customer");
        vm.expectRevert(_invalidQuote(recovered));
        vm.prank(mallory);
        settlement.placeOrder(squat, aliceQuote);

        // Nor can she squat the id with a cheap order of her own: that needs a quote of its own,
        // and a quote of Alice's order with a lower price does not verify either.
        squat.price = 2;
        squat.discount = 0;
        squat.pointsRedeemed = 0;
        vm.expectRevert(_invalidQuote(_recovered(squat, aliceQuote)));
        vm.prank(mallory);
        settlement.placeOrder(squat, aliceQuote);

        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.None);
        vm.prank(alice);
        settlement.placeOrder(order, aliceQuote);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
        assertEq(gel.balanceOf(mallory), 1_000_000, "mallory paid nothing");
    }

    // ─── Quotes ──────────────────────────────────────────────────────────────────────────────

    function test_placeOrder_acceptsQuoteFromAnySettler() public {
        (address settler2, uint256 settler2Key) = makeAddrAndKey("settler2");
        vm.prank(admin);
        settlement.grantRole(SETTLER_ROLE, settler2);
        bytes memory quote = _quoteBy(settler2Key, order);
        vm.prank(alice);
        settlement.placeOrder(order, quote);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrder_revertsWhenQuoteNotFromSettler() public {
        (address rogue, uint256 rogueKey) = makeAddrAndKey("rogue");
        _expectPlaceRevert(_quoteBy(rogueKey, order), _invalidQuote(rogue));
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.None);
    }

    function test_placeOrder_revertsWhenCustomerQuotesOwnOrder() public {
        _expectPlaceRevert(_quoteBy(aliceKey, order), _invalidQuote(alice));
    }

    function test_placeOrder_revertsWhenQuoteFromRevokedSettler() public {
        bytes memory quote = _quote(order);
        vm.prank(admin);
        settlement.revokeRole(SETTLER_ROLE, settler);
        // Outstanding quotes die with the role: hasRole is checked at placement.
        _expectPlaceRevert(quote, _invalidQuote(settler));
    }

    function test_placeOrder_revertsWhenQuoteForDifferentOrder() public {
        // Alice lowers the quoted price before sending the order.
        bytes memory quote = _quote(order);
        order.price = 9_000;
        _expectTamperedQuoteRejected(quote);
    }

    function test_placeOrder_revertsWhenQuotedOrderTamperedInAnyField() public {
        bytes memory quote = _quote(order);
        IOrderSettlement.TokenOrder memory quoted = order;

        // A bigger discount, paid for with the right points.
        order.discount = 2_000;
        order.pointsRedeemed = 2_000e18;
        _expectTamperedQuoteRejected(quote);

        // Another (active) restaurant.
        order = quoted;
        _register(franchisee2, 2, 0);
        order.restaurantId = 2;
        _expectTamperedQuoteRejected(quote);

        // A later reclaim time.
        order = quoted;
        order.reclaimAfter += 1 days;
        _expectTamperedQuoteRejected(quote);

        // Another allowed currency.
        order = quoted;
        address usdc = makeAddr("USDC");
        vm.prank(admin);
        settlement.setCurrency(usdc, _gelConfig());
        order.token = usdc;
        _expectTamperedQuoteRejected(quote);

        // Points adjusted to a new points price set after quoting.
        order = quoted;
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.pointsPerDiscountUnit = 2e18;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        order.pointsRedeemed = 2_000e18;
        _expectTamperedQuoteRejected(quote);
    }

    function test_placeOrder_revertsWhenQuoteReplayedOnAnotherOrderId() public {
        bytes memory quote = _quote(order);
        _place();
        // The same order and quote under a fresh id.
        order.orderId = keccak256("api-order-2");
        _expectTamperedQuoteRejected(quote);
        // And the quoted id itself is used up.
        order.orderId = ORDER_ID;
        _expectPlaceRevert(
            quote,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID)
        );
    }

    function test_placeOrder_revertsWhenQuoteReplayedAfterRefund() public {
        bytes memory quote = _quote(order);
        _place();
        vm.prank(settler);
        settlement.refund(order);
        _expectPlaceRevert(
            quote,
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID)
        );
    }

    function test_placeOrder_revertsWhenQuoteSignedForAnotherChain() public {
        bytes memory quote = _quote(order);
        // Kept in storage: with viaIR the optimizer may re-read `block.chainid` for a local, which
        // would see the cheatcode's new value.
        homeChainId = block.chainid;
        vm.chainId(homeChainId + 1);
        address recovered = _recovered(order, quote);
        assertTrue(recovered != settler, "digest follows the chain id");
        _expectPlaceRevert(quote, _invalidQuote(recovered));

        // A quote signed on the new chain fails on the original one, where the first still works.
        bytes memory forked = _quote(order);
        vm.chainId(homeChainId);
        _expectPlaceRevert(forked, _invalidQuote(_recovered(order, forked)));
        vm.prank(alice);
        settlement.placeOrder(order, quote);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrder_revertsWhenQuoteSignedForAnotherContract() public {
        OrderSettlement other = new OrderSettlement(admin, franchise, hotPot, treasury, 0);
        vm.prank(admin);
        other.grantRole(SETTLER_ROLE, settler);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(settlerKey, other.quoteDigest(order));
        bytes memory quote = abi.encodePacked(r, s, v);
        _expectTamperedQuoteRejected(quote);
    }

    function test_placeOrder_revertsWhenQuoteEmpty() public {
        _expectPlaceRevert("", _invalidQuote(address(0)));
    }

    function test_placeOrder_revertsWhenQuoteMalformed() public {
        bytes memory quote = _quote(order);
        (bytes32 r, bytes32 s, uint8 v) = _split(quote);

        // Too short: the 64-byte EIP-2098 form of the same signature is not accepted.
        bytes32 vs = bytes32(uint256(s) | (uint256(v - 27) << 255));
        _expectPlaceRevert(abi.encodePacked(r, vs), _invalidQuote(address(0)));
        // Too long: one byte appended.
        _expectPlaceRevert(abi.encodePacked(quote, bytes1(0)), _invalidQuote(address(0)));
        // Malleated: the high-s twin of the valid signature.
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        _expectPlaceRevert(abi.encodePacked(r, highS, v == 27 ? uint8(28) : uint8(27)), _invalidQuote(address(0)));
        // v outside {27, 28}: ecrecover fails.
        _expectPlaceRevert(abi.encodePacked(r, s, v - 27), _invalidQuote(address(0)));
        // r = 0: ecrecover returns the zero address.
        _expectPlaceRevert(abi.encodePacked(bytes32(0), s, v), _invalidQuote(address(0)));

        // The well-formed original still works.
        vm.prank(alice);
        settlement.placeOrder(order, quote);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    function test_placeOrder_quoteLivesUntilAnHourBeforeReclaimAfter() public {
        bytes memory quote = _quote(order);
        uint256 lastMoment = order.reclaimAfter - settlement.MIN_RECLAIM_DELAY();
        vm.warp(lastMoment + 1);
        _expectPlaceRevert(
            quote,
            abi.encodeWithSelector(
                IOrderSettlement.OrderSettlementReclaimTooSoon.selector,
                order.reclaimAfter,
                lastMoment + 1 + 1 hours
            )
        );
        vm.warp(lastMoment);
        vm.prank(alice);
        settlement.placeOrder(order, quote);
        _assertStatus(ORDER_ID, IOrderSettlement.OrderStatus.Escrowed);
    }

    /// @dev Any other valid price and discount than the quoted ones breaks the quote.
    function testFuzz_placeOrder_quoteBindsPriceAndDiscount(uint96 price, uint96 discount) public {
        price = uint96(bound(price, 1, 1e9));
        discount = uint96(bound(discount, 0, price / 2));
        vm.assume(price != order.price || discount != order.discount);
        bytes memory quote = _quote(order);
        order.price = price;
        order.discount = discount;
        order.pointsRedeemed = uint256(discount) * POINTS_PER_DISCOUNT_UNIT;
        _fund(alice, price);
        _givePoints(alice, order.pointsRedeemed);
        _expectTamperedQuoteRejected(quote);
    }

    // ─── Reverts ─────────────────────────────────────────────────────────────────────────────

    function test_placeOrder_revertsWhenNotCustomer() public {
        bytes memory quote = _quote(order);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotCustomer.selector, bob, alice));
        vm.prank(bob);
        settlement.placeOrder(order, quote);
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
        // isActive is false for unknown ids: no FranchiseNFTUnknownRestaurant any more.
        order.restaurantId = 99;
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 99));
    }

    function test_placeOrder_revertsWhenRestaurantZero() public {
        order.restaurantId = 0;
        _expectPlaceRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementRestaurantInactive.selector, 0));
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
        bytes memory quote = _quote(order);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, 9_999, 10_000));
        vm.prank(bob);
        settlement.placeOrder(order, quote);
    }

    function test_placeOrder_revertsWhenPointsBalanceTooLow() public {
        order = _order(ORDER_ID, bob, 10_000, 100);
        _fund(bob, 10_000);
        _givePoints(bob, 100e18 - 1);
        bytes memory quote = _quote(order);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, 100e18 - 1, 100e18)
        );
        vm.prank(bob);
        settlement.placeOrder(order, quote);
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
        bytes memory quote = _quote(order);
        if (discount > maxDiscount) {
            vm.expectRevert(
                abi.encodeWithSelector(IOrderSettlement.OrderSettlementDiscountTooHigh.selector, discount, maxDiscount)
            );
        }
        vm.prank(bob);
        settlement.placeOrder(order, quote);

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
    bytes internal quote;

    function setUp() public override {
        super.setUp();
        order = _order(ORDER_ID, alice, 10_000, 1_000);
        // Funded but without any allowance: the permit must supply it.
        vm.prank(admin);
        gel.mint(alice, 100_000);
        _givePoints(alice, 1_000e18);
        deadline = block.timestamp + 30 minutes;
        quote = _quote(order);
    }

    function test_placeOrderWithPermit_usesSignature() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.expectEmit(true, true, true, true, address(gel));
        emit IERC20.Approval(alice, address(settlement), 9_000);
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);

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
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);
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
        settlement.placeOrderWithPermit(order, quote, past, v, r, s);
        assertEq(gel.balanceOf(address(settlement)), 9_000, "escrowed with the allowance");
        assertEq(gel.nonces(alice), 0, "permit not applied");
    }

    function test_placeOrderWithPermit_revertsWhenPermitInvalidAndNoAllowance() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(bobKey, alice, 9_000, 0, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(settlement), 0, 9_000)
        );
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenPermitSignedForFullPrice() public {
        // The contract permits exactly price - discount; a signature over another value does not verify.
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 10_000, 0, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(settlement), 0, 9_000)
        );
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenNotCustomer() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotCustomer.selector, mallory, alice));
        vm.prank(mallory);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenPaused() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.prank(pauser);
        settlement.pause();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenOrderExists() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementOrderExists.selector, ORDER_ID));
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_tokenWithoutPermitUsesAllowance() public {
        FeeOnTransferToken noPermit = new FeeOnTransferToken();
        vm.prank(admin);
        settlement.setCurrency(address(noPermit), _gelConfig());
        noPermit.mint(alice, 10_000);
        vm.prank(alice);
        noPermit.approve(address(settlement), type(uint256).max);
        order.token = address(noPermit);
        quote = _quote(order);
        // The permit call fails (no such function) and is ignored; the pull then reveals the fee.
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementTransferMismatch.selector, 9_000, 8_910)
        );
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, quote, deadline, 0, bytes32(0), bytes32(0));
    }

    function test_placeOrderWithPermit_revertsWhenQuoteNotFromSettler() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        bytes memory selfQuote = _quoteBy(aliceKey, order);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidQuote.selector, alice));
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, selfQuote, deadline, v, r, s);
        assertEq(gel.nonces(alice), 0, "permit not applied");
    }

    function test_placeOrderWithPermit_revertsWhenQuoteForDifferentOrder() public {
        // The permit matches the lowered price, the quote does not.
        order.price = 9_000;
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 8_000, 0, deadline);
        vm.expectRevert(_invalidQuote(_recovered(order, quote)));
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);
    }

    function test_placeOrderWithPermit_revertsWhenQuoteMalformed() public {
        (uint8 v, bytes32 r, bytes32 s) = _signGelPermit(aliceKey, alice, 9_000, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidQuote.selector, address(0)));
        vm.prank(alice);
        settlement.placeOrderWithPermit(order, new bytes(65), deadline, v, r, s);
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
        quote = _quote(order);
        vm.prank(bob);
        settlement.placeOrderWithPermit(order, quote, deadline, v, r, s);

        assertEq(gel.balanceOf(address(settlement)), paid, "escrowed exactly price - discount");
        assertEq(gel.balanceOf(bob), discount, "customer keeps the discount");
        assertEq(gel.allowance(bob, address(settlement)), 0, "permit for exactly the amount paid");
        assertEq(gel.nonces(bob), 1, "permit applied");
        assertEq(hotPot.balanceOf(bob), 0, "points burned");
    }
}
