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

    uint256 internal homeChainId;

    bytes32 internal constant TOKEN_ORDER_TYPEHASH = keccak256(
        "TokenOrder(bytes32 orderId,uint256 restaurantId,address customer,address token,uint96 price,uint96 discount,uint256 pointsRedeemed,uint48 reclaimAfter)"
    );
    bytes32 internal constant EIP712_DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

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
        assertEq(settlement.TOKEN_ORDER_TYPEHASH(), TOKEN_ORDER_TYPEHASH, "quote type hash");
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

    /// Rewards are capped by what the fee buys back in points, so they need a points price.
    function test_setCurrency_revertsWhenRewardWithoutPointsPrice() public {
        IOrderSettlement.Currency memory cfg = _gelConfig();
        cfg.maxDiscountBps = 0;
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
        // Discounts and rewards both need a points price (rewards are capped in points by the fee).
        bool valid = bps <= 10_000 && ((bps == 0 && rewardPerUnit == 0) || ppdu != 0);
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
        // _paused (1 byte), _cardRate (12 bytes) and _cardRateEpoch (3 bytes) still share one slot,
        // now slot 3: EIP712's two fallback strings (_nameFallback, _versionFallback) take 1 and 2.
        bytes32 slot = bytes32(uint256(3));
        vm.prank(pauser);
        settlement.pause();
        assertEq(uint256(vm.load(address(settlement), slot)) & 0xff, 1, "layout: pause flag first");
        vm.prank(pauser);
        settlement.unpause();
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
        bytes memory freshQuote = _quote(fresh);

        vm.prank(pauser);
        settlement.pause();
        bytes memory enforced = abi.encodeWithSelector(Pausable.EnforcedPause.selector);

        vm.expectRevert(enforced);
        vm.prank(bob);
        settlement.placeOrder(fresh, freshQuote);
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
        IOrderSettlement.TokenOrder memory order = _placeDefault(keccak256("o"));
        vm.prank(admin);
        settlement.revokeRole(SETTLER_ROLE, settler);
        vm.expectRevert(_unauthorized(settler, SETTLER_ROLE));
        vm.prank(settler);
        settlement.settleCardPayment(keccak256("c"), RESTAURANT_ID, bob, 1, bytes32(0), RECEIPT);

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

    function test_hashTokenOrder_isPlainEncodingOfOrder() public {
        IOrderSettlement.TokenOrder memory order = _order(keccak256("o"), alice, 100, 0);
        bytes32 hash = settlement.hashTokenOrder(order);
        assertEq(hash, keccak256(abi.encode(order)), "documented encoding");

        // Not bound to the contract or the chain (quotes are, through quoteDigest).
        OrderSettlement other = new OrderSettlement(admin, franchise, hotPot, treasury, 0);
        assertEq(other.hashTokenOrder(order), hash, "same hash on another contract");
        vm.chainId(block.chainid + 1);
        assertEq(settlement.hashTokenOrder(order), hash, "same hash on another chain");
    }

    /// @dev The chain-id finding, fixed: the stored hash no longer depends on `block.chainid`, so
    /// orders escrowed before a chain id change (a fork) can still be fulfilled, refunded and
    /// reclaimed after it.
    function test_hashTokenOrder_chainIdChangeKeepsEscrowedOrdersReachable() public {
        IOrderSettlement.TokenOrder memory toFulfil = _placeDefault(keccak256("fulfil-me"));
        IOrderSettlement.TokenOrder memory toRefund = _placeDefault(keccak256("refund-me"));
        IOrderSettlement.TokenOrder memory toReclaim = _placeDefault(keccak256("reclaim-me"));
        uint256 aliceGel = gel.balanceOf(alice);
        vm.chainId(block.chainid + 1);

        assertEq(settlement.tokenOrderHash(toFulfil.orderId), settlement.hashTokenOrder(toFulfil), "hash unchanged");
        vm.prank(franchisee);
        settlement.fulfill(toFulfil, RECEIPT);
        vm.prank(settler);
        settlement.refund(toRefund);
        vm.warp(toReclaim.reclaimAfter);
        vm.prank(alice);
        settlement.reclaim(toReclaim);

        _assertStatus(toFulfil.orderId, IOrderSettlement.OrderStatus.Fulfilled);
        _assertStatus(toRefund.orderId, IOrderSettlement.OrderStatus.Refunded);
        _assertStatus(toReclaim.orderId, IOrderSettlement.OrderStatus.Reclaimed);
        assertEq(gel.balanceOf(franchisee), 8_100, "fulfilled on the new chain id");
        assertEq(gel.balanceOf(alice), aliceGel + 2 * 9_000, "refunded and reclaimed on the new chain id");
        assertEq(gel.balanceOf(address(settlement)), 0, "nothing stranded in escrow");
    }

    function test_quoteDigest_isEip712TypedDataHash() public view {
        IOrderSettlement.TokenOrder memory order = _order(keccak256("o"), alice, 100, 10);
        bytes32 domainSeparator = keccak256(
            abi.encode(
                EIP712_DOMAIN_TYPEHASH,
                keccak256("Hot Pot Spot"),
                keccak256("1"),
                block.chainid,
                address(settlement)
            )
        );
        // Every field is atomic, so the struct hash encodes the fields one word each.
        bytes32 structHash = keccak256(
            abi.encode(
                TOKEN_ORDER_TYPEHASH,
                order.orderId,
                order.restaurantId,
                order.customer,
                order.token,
                order.price,
                order.discount,
                order.pointsRedeemed,
                order.reclaimAfter
            )
        );
        assertEq(structHash, keccak256(abi.encode(TOKEN_ORDER_TYPEHASH, order)), "struct hash == abi.encode(order)");
        assertEq(
            settlement.quoteDigest(order),
            keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash)),
            "EIP-712 digest"
        );
    }

    function test_quoteDigest_domainMatchesEip5267() public view {
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        ) = settlement.eip712Domain();
        assertEq(fields, hex"0f", "name, version, chainId, verifyingContract");
        assertEq(name, "Hot Pot Spot", "name");
        assertEq(version, "1", "version");
        assertEq(chainId, block.chainid, "chain id");
        assertEq(verifyingContract, address(settlement), "verifying contract");
        assertEq(salt, bytes32(0), "no salt");
        assertEq(extensions.length, 0, "no extensions");
    }

    function test_quoteDigest_boundToChainAndContract() public {
        IOrderSettlement.TokenOrder memory order = _order(keccak256("o"), alice, 100, 0);
        bytes32 digest = settlement.quoteDigest(order);

        OrderSettlement other = new OrderSettlement(admin, franchise, hotPot, treasury, 0);
        assertTrue(other.quoteDigest(order) != digest, "other contract, other digest");

        // Kept in storage: with viaIR the optimizer may re-read `block.chainid` for a local, which
        // would see the cheatcode's new value.
        homeChainId = block.chainid;
        vm.chainId(homeChainId + 1);
        assertTrue(settlement.quoteDigest(order) != digest, "other chain, other digest");
        vm.chainId(homeChainId);
        assertEq(settlement.quoteDigest(order), digest, "same chain, same digest");
    }

    /// @dev The base order of the "every field matters" tests, and eight copies each with one field changed.
    function _orderAndOneFieldVariants()
        internal
        view
        returns (IOrderSettlement.TokenOrder memory base, IOrderSettlement.TokenOrder[8] memory variants)
    {
        base = _order(keccak256("o"), alice, 100, 10);
        for (uint256 i; i < 8; ++i) {
            variants[i] = _order(keccak256("o"), alice, 100, 10);
        }
        variants[0].orderId = keccak256("p");
        variants[1].restaurantId = 2;
        variants[2].customer = bob;
        variants[3].token = address(hotPot);
        variants[4].price = 101;
        variants[5].discount = 11;
        variants[6].pointsRedeemed = 1;
        variants[7].reclaimAfter = 1;
    }

    function test_quoteDigest_everyFieldMatters() public view {
        (
            IOrderSettlement.TokenOrder memory base,
            IOrderSettlement.TokenOrder[8] memory variants
        ) = _orderAndOneFieldVariants();
        bytes32 digest = settlement.quoteDigest(base);
        for (uint256 i; i < 8; ++i) {
            assertTrue(settlement.quoteDigest(variants[i]) != digest, "each field changes the digest");
        }
    }

    function test_hashTokenOrder_everyFieldMatters() public view {
        (
            IOrderSettlement.TokenOrder memory base,
            IOrderSettlement.TokenOrder[8] memory variants
        ) = _orderAndOneFieldVariants();
        bytes32 hash = settlement.hashTokenOrder(base);
        for (uint256 i; i < 8; ++i) {
            assertTrue(settlement.hashTokenOrder(variants[i]) != hash, "each field changes the hash");
        }
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
