// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {stdError} from "forge-std/StdError.sol";

import {OrderSettlement} from "../../contracts/OrderSettlement.sol";
import {IFranchiseNFT} from "../../contracts/interfaces/IFranchiseNFT.sol";
import {IHotPotToken} from "../../contracts/interfaces/IHotPotToken.sol";
import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract OrderSettlementAdminTest is BaseTest {
    bytes internal ZERO_ADDRESS = abi.encodeWithSelector(IOrderSettlement.OrderSettlementZeroAddress.selector);
    bytes internal BAD_CONFIG = abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidCurrencyConfig.selector);

    // ─── Constructor ─────────────────────────────────────────────────────────────────────────

    function test_constructor_wiring() public view {
        assertEq(address(settlement.FRANCHISE()), address(franchise), "franchise");
        assertEq(address(settlement.LOYALTY()), address(hotPot), "loyalty");
        assertEq(settlement.treasury(), treasury, "treasury");
        (uint96 rate, uint24 epoch) = settlement.cardRewardPerUnit();
        assertEq(rate, CARD_REWARD_PER_TETRI, "card rate");
        assertEq(epoch, 0, "epoch 0");
        assertEq(settlement.cardRewardRateAt(0), CARD_REWARD_PER_TETRI, "history 0");
        assertEq(settlement.MIN_RECLAIM_DELAY(), 1 hours, "reclaim delay");
        assertEq(settlement.SETTLER_ROLE(), SETTLER_ROLE, "settler role id");
        assertEq(settlement.PAUSER_ROLE(), PAUSER_ROLE, "pauser role id");
        assertTrue(settlement.hasRole(DEFAULT_ADMIN_ROLE, admin), "admin");
        assertTrue(settlement.hasRole(SETTLER_ROLE, settler), "settler");
        assertTrue(settlement.hasRole(PAUSER_ROLE, pauser), "pauser");
        assertFalse(settlement.paused(), "not paused");
        IOrderSettlement.Currency memory c = settlement.currencyOf(address(gel));
        assertTrue(c.allowed, "tGEL allowed");
        assertEq(c.maxDiscountBps, MAX_DISCOUNT_BPS, "max discount");
        assertEq(c.rewardPerUnit, REWARD_PER_UNIT, "reward per unit");
        assertEq(c.pointsPerDiscountUnit, POINTS_PER_DISCOUNT_UNIT, "points per discount unit");
    }

    function test_testGEL_isATwoDecimalTetriToken() public {
        assertEq(gel.decimals(), 2, "one unit is one tetri");
        assertEq(gel.symbol(), "tGEL", "symbol");
        assertEq(gel.owner(), admin, "admin mints (LocalHotPotSpot module)");
        vm.expectRevert(abi.encodeWithSignature("OwnableUnauthorizedAccount(address)", mallory));
        vm.prank(mallory);
        gel.mint(mallory, 1);
    }

    function test_constructor_emitsTreasuryAndRate() public {
        vm.expectEmit(true, true, true, true);
        emit IOrderSettlement.TreasuryUpdated(address(0), treasury);
        vm.expectEmit(true, true, true, true);
        emit IOrderSettlement.CardRewardPerUnitUpdated(0, 0, 123);
        new OrderSettlement(admin, franchise, hotPot, treasury, 123);
    }

    function test_constructor_revertsWhenAdminZero() public {
        vm.expectRevert(ZERO_ADDRESS);
        new OrderSettlement(address(0), franchise, hotPot, treasury, 1);
    }

    function test_constructor_revertsWhenFranchiseZero() public {
        vm.expectRevert(ZERO_ADDRESS);
        new OrderSettlement(admin, IFranchiseNFT(address(0)), hotPot, treasury, 1);
    }

    function test_constructor_revertsWhenLoyaltyZero() public {
        vm.expectRevert(ZERO_ADDRESS);
        new OrderSettlement(admin, franchise, IHotPotToken(address(0)), treasury, 1);
    }

    function test_constructor_revertsWhenTreasuryZero() public {
        vm.expectRevert(ZERO_ADDRESS);
        new OrderSettlement(admin, franchise, hotPot, address(0), 1);
    }

    // ─── setCurrency ─────────────────────────────────────────────────────────────────────────

    function test_setCurrency_storesAndEmits() public {
        address usdc = makeAddr("USDC");
        IOrderSettlement.Currency memory cfg = IOrderSettlement.Currency({
            allowed: true,
            maxDiscountBps: 2_000,
            rewardPerUnit: 3e12,
            pointsPerDiscountUnit: 1e14
        });
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CurrencyConfigured(usdc, true, 2_000, 3e12, 1e14);
        vm.prank(admin);
        settlement.setCurrency(usdc, cfg);

        IOrderSettlement.Currency memory stored = settlement.currencyOf(usdc);
        assertTrue(stored.allowed, "allowed");
        assertEq(stored.maxDiscountBps, 2_000, "bps");
        assertEq(stored.rewardPerUnit, 3e12, "reward");
        assertEq(stored.pointsPerDiscountUnit, 1e14, "points");
    }

    function test_setCurrency_noDiscountNeedsNoPointsRate() public {
        IOrderSettlement.Currency memory cfg = IOrderSettlement.Currency({
            allowed: true,
            maxDiscountBps: 0,
            rewardPerUnit: 0,
            pointsPerDiscountUnit: 0
        });
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        assertEq(settlement.currencyOf(address(gel)).pointsPerDiscountUnit, 0, "stored");
    }

    function test_setCurrency_acceptsFullDiscount() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.maxDiscountBps = 10_000;
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
        assertEq(settlement.currencyOf(address(gel)).maxDiscountBps, 10_000, "100% allowed");
    }

    function test_setCurrency_revertsWhenBpsAboveMax() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.maxDiscountBps = 10_001;
        vm.expectRevert(BAD_CONFIG);
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
    }

    function test_setCurrency_revertsWhenDiscountWithoutPointsPrice() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.pointsPerDiscountUnit = 0;
        vm.expectRevert(BAD_CONFIG);
        vm.prank(admin);
        settlement.setCurrency(address(gel), cfg);
    }

    function test_setCurrency_revertsWhenTokenZero() public {
        vm.expectRevert(ZERO_ADDRESS);
        vm.prank(admin);
        settlement.setCurrency(address(0), _gelConfig());
    }

    function test_setCurrency_revertsWhenNotAdmin() public {
        vm.expectRevert(_unauthorized(settler, DEFAULT_ADMIN_ROLE));
        vm.prank(settler);
        settlement.setCurrency(address(gel), _gelConfig());
    }

    function testFuzz_setCurrency_validation(bool allowed, uint16 bps, uint96 rewardPerUnit, uint96 ppdu) public {
        bool valid = bps <= 10_000 && (bps == 0 || ppdu != 0);
        if (!valid) vm.expectRevert(BAD_CONFIG);
        vm.prank(admin);
        settlement.setCurrency(
            address(gel),
            IOrderSettlement.Currency({
                allowed: allowed,
                maxDiscountBps: bps,
                rewardPerUnit: rewardPerUnit,
                pointsPerDiscountUnit: ppdu
            })
        );
        if (valid) {
            IOrderSettlement.Currency memory stored = settlement.currencyOf(address(gel));
            assertEq(stored.allowed, allowed, "allowed");
            assertEq(stored.maxDiscountBps, bps, "bps");
            assertEq(stored.rewardPerUnit, rewardPerUnit, "reward");
            assertEq(stored.pointsPerDiscountUnit, ppdu, "points");
        }
    }

    // ─── setTreasury ─────────────────────────────────────────────────────────────────────────

    function test_setTreasury_updatesEmitsAndRedirectsFees() public {
        address newTreasury = makeAddr("newTreasury");
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.TreasuryUpdated(treasury, newTreasury);
        vm.prank(admin);
        settlement.setTreasury(newTreasury);
        assertEq(settlement.treasury(), newTreasury, "stored");

        IOrderSettlement.TokenOrder memory order = _placeDefault(keccak256("o"));
        vm.prank(settler);
        settlement.fulfill(order, RECEIPT);
        assertEq(gel.balanceOf(newTreasury), 900, "fee to the new treasury");
        assertEq(gel.balanceOf(treasury), 0, "old treasury gets nothing");
    }

    function test_setTreasury_revertsWhenZero() public {
        vm.expectRevert(ZERO_ADDRESS);
        vm.prank(admin);
        settlement.setTreasury(address(0));
    }

    function test_setTreasury_revertsWhenNotAdmin() public {
        vm.expectRevert(_unauthorized(mallory, DEFAULT_ADMIN_ROLE));
        vm.prank(mallory);
        settlement.setTreasury(mallory);
    }

    // ─── setCardRewardPerUnit ────────────────────────────────────────────────────────────────

    function test_setCardRewardPerUnit_bumpsEpochAndKeepsHistory() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardRewardPerUnitUpdated(1, CARD_REWARD_PER_TETRI, 2e16);
        vm.prank(admin);
        settlement.setCardRewardPerUnit(2e16);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit IOrderSettlement.CardRewardPerUnitUpdated(2, 2e16, 2e16);
        vm.prank(admin);
        settlement.setCardRewardPerUnit(2e16); // same rate still opens a new epoch

        (uint96 rate, uint24 epoch) = settlement.cardRewardPerUnit();
        assertEq(rate, 2e16, "rate");
        assertEq(epoch, 2, "epoch");
        assertEq(settlement.cardRewardRateAt(0), CARD_REWARD_PER_TETRI, "epoch 0 kept");
        assertEq(settlement.cardRewardRateAt(1), 2e16, "epoch 1");
        assertEq(settlement.cardRewardRateAt(2), 2e16, "epoch 2");
        assertEq(settlement.cardRewardRateAt(3), 0, "future epoch empty");
    }

    function test_setCardRewardPerUnit_revertsWhenNotAdmin() public {
        vm.expectRevert(_unauthorized(settler, DEFAULT_ADMIN_ROLE));
        vm.prank(settler);
        settlement.setCardRewardPerUnit(1);
    }

    function test_setCardRewardPerUnit_revertsWhenEpochsExhausted() public {
        // _paused (1 byte), _cardRate (12 bytes) and _cardRateEpoch (3 bytes) share slot 1.
        bytes32 slot = bytes32(uint256(1));
        uint256 packed = uint256(vm.load(address(settlement), slot));
        assertEq((packed >> 8) & type(uint96).max, CARD_REWARD_PER_TETRI, "layout: rate after the pause flag");
        assertEq((packed >> 104) & type(uint24).max, 0, "layout: epoch after the rate");

        uint256 maxEpoch = uint256(type(uint24).max);
        vm.store(address(settlement), slot, bytes32(packed | (maxEpoch << 104)));
        (, uint24 epoch) = settlement.cardRewardPerUnit();
        assertEq(epoch, type(uint24).max, "epoch at its maximum");

        vm.expectRevert(stdError.arithmeticError);
        vm.prank(admin);
        settlement.setCardRewardPerUnit(5);
        assertEq(settlement.cardRewardRateAt(0), CARD_REWARD_PER_TETRI, "epoch 0 history not overwritten");
    }

    // ─── pause / unpause ─────────────────────────────────────────────────────────────────────

    function test_pause_emitsAndSetsFlag() public {
        vm.expectEmit(true, true, true, true, address(settlement));
        emit Pausable.Paused(pauser);
        vm.prank(pauser);
        settlement.pause();
        assertTrue(settlement.paused(), "paused");
    }

    function test_unpause_emitsAndClearsFlag() public {
        vm.prank(pauser);
        settlement.pause();
        vm.expectEmit(true, true, true, true, address(settlement));
        emit Pausable.Unpaused(pauser);
        vm.prank(pauser);
        settlement.unpause();
        assertFalse(settlement.paused(), "unpaused");
    }

    function test_pause_revertsWhenNotPauser() public {
        vm.expectRevert(_unauthorized(admin, PAUSER_ROLE));
        vm.prank(admin);
        settlement.pause();
    }

    function test_unpause_revertsWhenNotPauser() public {
        vm.prank(pauser);
        settlement.pause();
        vm.expectRevert(_unauthorized(settler, PAUSER_ROLE));
        vm.prank(settler);
        settlement.unpause();
    }

    function test_pause_revertsWhenAlreadyPaused() public {
        vm.startPrank(pauser);
        settlement.pause();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        settlement.pause();
        vm.stopPrank();
    }

    function test_unpause_revertsWhenNotPaused() public {
        vm.expectRevert(abi.encodeWithSelector(Pausable.ExpectedPause.selector));
        vm.prank(pauser);
        settlement.unpause();
    }

    function test_pause_keepsAdministrationWorking() public {
        vm.prank(pauser);
        settlement.pause();
        vm.startPrank(admin);
        settlement.setCardRewardPerUnit(4e16);
        settlement.setTreasury(bob);
        settlement.setCurrency(address(gel), _gelConfig());
        vm.stopPrank();
        assertEq(settlement.treasury(), bob, "admin works while paused");
    }

    /// @dev One scenario for the whole pause policy: new orders, fulfilments and card records stop;
    /// refunds, reclaims and card refunds go on.
    function test_pause_blocksNewWorkButNotUnwinding() public {
        IOrderSettlement.TokenOrder memory toRefund = _placeDefault(keccak256("refund-me"));
        IOrderSettlement.TokenOrder memory toReclaim = _placeDefault(keccak256("reclaim-me"));
        IOrderSettlement.TokenOrder memory toFulfil = _placeDefault(keccak256("fulfil-me"));
        bytes32 cardId = keccak256("card");
        _settleCard(cardId, bob, 1_000);
        IOrderSettlement.TokenOrder memory fresh = _order(keccak256("fresh"), bob, 100, 0);
        _fund(bob, 100);

        vm.prank(pauser);
        settlement.pause();
        bytes memory enforced = abi.encodeWithSelector(Pausable.EnforcedPause.selector);

        vm.expectRevert(enforced);
        vm.prank(bob);
        settlement.placeOrder(fresh);
        vm.expectRevert(enforced);
        vm.prank(settler);
        settlement.fulfill(toFulfil, RECEIPT);
        vm.expectRevert(enforced);
        vm.prank(settler);
        settlement.settleCardPayment(keccak256("card-2"), RESTAURANT_ID, bob, 1, bytes32(0), RECEIPT);

        vm.prank(franchisee);
        settlement.refund(toRefund);
        vm.warp(toReclaim.reclaimAfter);
        vm.prank(alice);
        settlement.reclaim(toReclaim);
        vm.prank(settler);
        settlement.recordCardRefund(cardId, 1_000, keccak256("re"));

        _assertStatus(toRefund.orderId, IOrderSettlement.OrderStatus.Refunded);
        _assertStatus(toReclaim.orderId, IOrderSettlement.OrderStatus.Reclaimed);
        _assertStatus(cardId, IOrderSettlement.OrderStatus.CardRefunded);
        _assertStatus(toFulfil.orderId, IOrderSettlement.OrderStatus.Escrowed);
    }

    // ─── Roles ───────────────────────────────────────────────────────────────────────────────

    function test_roles_revokedSettlerCannotSettle() public {
        vm.prank(admin);
        settlement.revokeRole(SETTLER_ROLE, settler);
        vm.expectRevert(_unauthorized(settler, SETTLER_ROLE));
        vm.prank(settler);
        settlement.settleCardPayment(keccak256("c"), RESTAURANT_ID, bob, 1, bytes32(0), RECEIPT);

        IOrderSettlement.TokenOrder memory order = _placeDefault(keccak256("o"));
        vm.expectRevert(
            abi.encodeWithSelector(IOrderSettlement.OrderSettlementNotOperator.selector, settler, RESTAURANT_ID)
        );
        vm.prank(settler);
        settlement.fulfill(order, RECEIPT);
    }

    function test_roles_onlyAdminGrants() public {
        vm.expectRevert(_unauthorized(settler, DEFAULT_ADMIN_ROLE));
        vm.prank(settler);
        settlement.grantRole(SETTLER_ROLE, mallory);
    }

    function test_roles_settlementLosingMinterRoleBlocksRewards() public {
        vm.prank(admin);
        hotPot.revokeRole(MINTER_ROLE, address(settlement));
        vm.expectRevert(_unauthorized(address(settlement), MINTER_ROLE));
        vm.prank(settler);
        settlement.settleCardPayment(keccak256("c"), RESTAURANT_ID, bob, 1, bytes32(0), RECEIPT);
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────

    function test_hashTokenOrder_boundToChainAndContract() public {
        IOrderSettlement.TokenOrder memory order = _order(keccak256("o"), alice, 100, 0);
        bytes32 hash = settlement.hashTokenOrder(order);
        assertEq(hash, keccak256(abi.encode(block.chainid, address(settlement), order)), "documented encoding");

        OrderSettlement other = new OrderSettlement(admin, franchise, hotPot, treasury, 0);
        assertTrue(other.hashTokenOrder(order) != hash, "other contract, other hash");

        vm.chainId(block.chainid + 1);
        assertTrue(settlement.hashTokenOrder(order) != hash, "other chain, other hash");
    }

    /// @dev Documents a consequence of binding the hash to `block.chainid` at call time (see the
    /// report): if the chain id ever changes (a fork), escrowed orders can no longer be fulfilled,
    /// refunded or reclaimed there.
    function test_hashTokenOrder_chainIdChangeStrandsEscrowedOrders() public {
        IOrderSettlement.TokenOrder memory order = _placeDefault(keccak256("o"));
        vm.chainId(block.chainid + 1);
        bytes memory mismatch = abi.encodeWithSelector(
            IOrderSettlement.OrderSettlementOrderMismatch.selector,
            order.orderId
        );

        vm.expectRevert(mismatch);
        vm.prank(settler);
        settlement.refund(order);
        vm.warp(order.reclaimAfter);
        vm.expectRevert(mismatch);
        vm.prank(alice);
        settlement.reclaim(order);
        assertEq(gel.balanceOf(address(settlement)), 9_000, "funds stay in escrow");
    }

    function test_hashTokenOrder_everyFieldMatters() public view {
        IOrderSettlement.TokenOrder memory base = _order(keccak256("o"), alice, 100, 10);
        bytes32 h = settlement.hashTokenOrder(base);
        IOrderSettlement.TokenOrder memory o;

        o = base;
        o.orderId = keccak256("p");
        assertTrue(settlement.hashTokenOrder(o) != h, "orderId");
        o = _order(keccak256("o"), alice, 100, 10);
        o.restaurantId = 2;
        assertTrue(settlement.hashTokenOrder(o) != h, "restaurantId");
        o = _order(keccak256("o"), alice, 100, 10);
        o.customer = bob;
        assertTrue(settlement.hashTokenOrder(o) != h, "customer");
        o = _order(keccak256("o"), alice, 100, 10);
        o.token = address(hotPot);
        assertTrue(settlement.hashTokenOrder(o) != h, "token");
        o = _order(keccak256("o"), alice, 100, 10);
        o.price = 101;
        assertTrue(settlement.hashTokenOrder(o) != h, "price");
        o = _order(keccak256("o"), alice, 100, 10);
        o.discount = 11;
        assertTrue(settlement.hashTokenOrder(o) != h, "discount");
        o = _order(keccak256("o"), alice, 100, 10);
        o.pointsRedeemed = 1;
        assertTrue(settlement.hashTokenOrder(o) != h, "pointsRedeemed");
        o = _order(keccak256("o"), alice, 100, 10);
        o.reclaimAfter = 1;
        assertTrue(settlement.hashTokenOrder(o) != h, "reclaimAfter");
    }

    function test_orderOf_emptyForUnusedId() public view {
        IOrderSettlement.OrderRecord memory rec = settlement.orderOf(keccak256("nothing"));
        assertEq(uint8(rec.status), uint8(IOrderSettlement.OrderStatus.None), "none");
        assertEq(rec.cardAmount, 0, "amount");
        assertEq(rec.customer, address(0), "customer");
        assertEq(settlement.tokenOrderHash(keccak256("nothing")), bytes32(0), "hash");
    }

    function test_supportsInterface() public view {
        assertTrue(settlement.supportsInterface(0x7965db0b), "IAccessControl");
        assertTrue(settlement.supportsInterface(0x01ffc9a7), "IERC165");
    }
}
