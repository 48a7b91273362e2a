// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {FranchiseNFT} from "../../contracts/FranchiseNFT.sol";
import {HotPotToken} from "../../contracts/HotPotToken.sol";
import {KycRegistry} from "../../contracts/KycRegistry.sol";
import {OrderSettlement} from "../../contracts/OrderSettlement.sol";
import {IOrderSettlement} from "../../contracts/interfaces/IOrderSettlement.sol";
import {TestGEL} from "../../contracts/test/TestGEL.sol";

import {BaseTest} from "./utils/BaseTest.sol";

// The handler lives in this file, not in utils/: when only this file is run
// (`hardhat test solidity test/solidity/OrderSettlement.invariant.t.sol`) on a cold build, Hardhat
// hands EDR the artifacts of the test file's own sources only, and a target contract without an
// artifact fails with "address does not have an associated contract".

/// @notice Stateful fuzzing of OrderSettlement through SettlementHandler: random sequences of
/// quoted token orders (with and without permits, discounts, front-run permits; now and then with
/// a quote from a non-settler, a quote for another order, or another customer's quoted order),
/// fulfilments, refunds, reclaims, single and batched card settlements (with duplicates), card
/// refunds, rate and fee changes, pauses, restaurant (de)activations and franchise transfers.
contract OrderSettlementInvariantTest is BaseTest {
    SettlementHandler internal handler;

    function setUp() public override {
        super.setUp();
        _register(franchisee2, 2, 2_500);

        handler = new SettlementHandler(
            SettlementHandler.Contracts({
                kyc: kyc,
                franchise: franchise,
                hotPot: hotPot,
                settlement: settlement,
                gel: gel
            }),
            SettlementHandler.Actors({
                admin: admin,
                settler: settler,
                settlerKey: settlerKey,
                pauser: pauser,
                franchiseAdmin: franchiseAdmin,
                treasury: treasury,
                franchiseeA: franchisee,
                franchiseeB: franchisee2
            })
        );

        // Placing five times as often keeps orders flowing, and makes a run of INVARIANT_DEPTH (64)
        // calls without any placeOrder, which afterInvariant rejects, vanishingly rare:
        // (13/18)^64 ≈ 1e-9 per run.
        bytes4[] memory selectors = new bytes4[](18);
        for (uint256 i; i < 5; ++i) selectors[i] = SettlementHandler.placeOrder.selector;
        selectors[5] = SettlementHandler.fulfill.selector;
        selectors[6] = SettlementHandler.refund.selector;
        selectors[7] = SettlementHandler.reclaim.selector;
        selectors[8] = SettlementHandler.settleCardPayment.selector;
        selectors[9] = SettlementHandler.settleCardPayments.selector;
        selectors[10] = SettlementHandler.recordCardRefund.selector;
        selectors[11] = SettlementHandler.setCardRate.selector;
        selectors[12] = SettlementHandler.setFee.selector;
        selectors[13] = SettlementHandler.setPaused.selector;
        selectors[14] = SettlementHandler.transferFranchise.selector;
        selectors[15] = SettlementHandler.spendPoints.selector;
        selectors[16] = SettlementHandler.setActive.selector;
        selectors[17] = SettlementHandler.setTokenPaused.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// (a) The escrow holds exactly `price - discount` of every order still in status Escrowed.
    function invariant_escrowBalanceMatchesEscrowedOrders() public view {
        uint256 expected;
        uint256 n = handler.tokenOrderCount();
        for (uint256 i; i < n; ++i) {
            IOrderSettlement.TokenOrder memory order = handler.tokenOrderAt(i);
            if (settlement.orderOf(order.orderId).status == IOrderSettlement.OrderStatus.Escrowed) {
                expected += uint256(order.price) - order.discount;
            }
        }
        assertEq(gel.balanceOf(address(settlement)), expected, "escrow == sum of escrowed (price - discount)");
        assertEq(expected, handler.ghostEscrowed(), "handler's running escrow total agrees");
    }

    /// (b) Loyalty supply == everything minted (rewards, restored points) − everything burned
    /// (redemptions, clawbacks, holders' own burns), as the handler predicted each amount.
    function invariant_loyaltySupplyMatchesMintedMinusBurned() public view {
        assertEq(hotPot.totalSupply(), handler.ghostMinted() - handler.ghostBurned(), "supply == minted - burned");
    }

    /// (c) No id settles twice; statuses move only forward; what the chain holds is exactly what
    /// the handler saw succeed.
    function invariant_orderIdsSettleAtMostOnce() public view {
        assertEq(handler.ghostBadTransitions(), 0, "every status change was an allowed transition");
        uint256 used;
        uint256 n = handler.idCount();
        for (uint256 i; i < n; ++i) {
            bytes32 id = handler.idAt(i);
            IOrderSettlement.OrderStatus onChain = settlement.orderOf(id).status;
            assertEq(uint8(onChain), uint8(handler.ghostStatus(id)), "on-chain status == handler's status");
            assertLe(handler.settleCount(id), 1, "settled at most once");
            if (onChain != IOrderSettlement.OrderStatus.None) ++used;
            if (onChain != IOrderSettlement.OrderStatus.Escrowed) {
                assertEq(handler.settleCount(id), 1, "every non-escrowed id settled exactly once");
            }
        }
        assertEq(used, handler.ghostDistinctIds(), "ids in use == distinct ids the handler saw succeed");
        uint256 cards = handler.cardCount();
        for (uint256 i; i < cards; ++i) {
            bytes32 id = handler.cardAt(i);
            IOrderSettlement.OrderRecord memory rec = settlement.orderOf(id);
            assertEq(rec.cardAmount, handler.ghostCardRemaining(id), "card amount not yet refunded");
            assertEq(settlement.tokenOrderHash(id), bytes32(0), "card ids carry no token-order hash");
        }
    }

    /// (d) Treasury + franchisees received exactly the fulfilled amounts: no dust, nothing lost.
    function invariant_payoutsEqualFulfilledAmounts() public view {
        uint256 fees = gel.balanceOf(treasury);
        uint256 franchiseePaid = gel.balanceOf(franchisee) + gel.balanceOf(franchisee2);
        assertEq(fees + franchiseePaid, handler.ghostFulfilledPaid(), "fees + franchisee shares == fulfilled");
        assertEq(fees, handler.ghostFees(), "fees as predicted (rounded down)");
        assertEq(franchiseePaid, handler.ghostFranchiseePaid(), "franchisee shares as predicted");
    }

    /// tGEL is conserved: customers + escrow + payouts == all that was ever minted.
    function invariant_paymentTokenConserved() public view {
        uint256 held =
            gel.balanceOf(address(settlement)) +
                gel.balanceOf(treasury) +
                gel.balanceOf(franchisee) +
                gel.balanceOf(franchisee2);
        for (uint256 i; i < 3; ++i) held += gel.balanceOf(handler.customers(i));
        assertEq(held, handler.ghostGelMinted(), "no tGEL created or lost");
        assertEq(gel.totalSupply(), handler.ghostGelMinted(), "supply");
    }

    /// (e) Loyalty debt: each customer owes exactly the clawback shortfalls not yet repaid from
    /// escrowed points; and what a customer holds, less what it owes, never exceeds what it was
    /// given (rewards and restored points) less what it gave up.
    function invariant_loyaltyDebtMatchesShortfallsLessRepayments() public view {
        uint256 total;
        for (uint256 i; i < 3; ++i) {
            address customer = handler.customers(i);
            assertEq(settlement.loyaltyDebtOf(customer), handler.ghostDebt(customer), "debt per customer");
            total += handler.ghostDebt(customer);
        }
        assertEq(total + handler.ghostDebtRepaid(), handler.ghostPointsShortfall(), "shortfalls == owed + repaid");
    }

    /// (f) Rewards of token orders never buy more discount than the fees the platform took.
    function invariant_tokenRewardsWorthNoMoreThanFees() public view {
        assertLe(handler.ghostTokenRewards(), handler.ghostFees() * 1e18, "token rewards <= fees x points price");
    }

    /// Every call behaved as the handler predicted (success vs revert).
    function invariant_handlerPredictionsHeld() public view {
        assertEq(handler.ghostUnexpected(), 0, handler.lastUnexpected());
    }

    function afterInvariant() external view {
        // Keeps the campaign honest: it must have exercised the main paths at least once per run.
        assertGt(handler.calls("placeOrder"), 0, "placeOrder called");
    }
}

/// @notice Drives OrderSettlement through random sequences of every operation, predicting each
/// outcome from its own ghost state. A call that succeeds when it should fail (or the reverse),
/// or a status change outside the allowed transitions, is counted, never asserted here: with
/// `failOnRevert: false` a failed assertion inside a handler would be silently discarded.
contract SettlementHandler is CommonBase, StdCheats, StdUtils {
    using HandlerStatus for IOrderSettlement.OrderStatus;

    struct Contracts {
        KycRegistry kyc;
        FranchiseNFT franchise;
        HotPotToken hotPot;
        OrderSettlement settlement;
        TestGEL gel;
    }

    struct Actors {
        address admin;
        address settler;
        uint256 settlerKey;
        address pauser;
        address franchiseAdmin;
        address treasury;
        address franchiseeA;
        address franchiseeB;
    }

    uint256 internal constant MAX_PRICE = 1_000_000; // 10,000 GEL
    uint64 internal constant MAX_CARD = 1_000_000;
    uint96 internal constant REWARD_PER_UNIT = 1e16;
    uint96 internal constant POINTS_PER_DISCOUNT_UNIT = 1e18;
    uint16 internal constant MAX_DISCOUNT_BPS = 5_000;
    /// @dev sha2-256 of the receipt JSON `{"order":"handler"}` (a literal: a sha256 call between a
    /// prank and the call it is meant for would take the prank).
    bytes32 internal constant RECEIPT = 0xd0e148af0c5901f31cc54a687218ea118baacef1631d001ef20881233073b9b8;

    KycRegistry internal immutable KYC;
    FranchiseNFT internal immutable FRANCHISE;
    HotPotToken internal immutable HOTPOT;
    OrderSettlement internal immutable SETTLEMENT;
    TestGEL internal immutable GEL;
    Actors internal actors;

    address[] public customers;
    uint256[] internal customerKeys;
    address[] public franchisees;
    uint256[] public restaurantIds;
    address public stranger;

    // ─── Ghost state ─────────────────────────────────────────────────────────────────────────

    IOrderSettlement.TokenOrder[] internal _tokenOrders;
    bytes32[] internal _cardIds;
    bytes32[] internal _allIds;
    bytes32[] internal _refundRefs;
    mapping(bytes32 orderId => IOrderSettlement.OrderStatus) public ghostStatus;
    /// @dev How many times an id reached a settling status (escrow released or card recorded).
    mapping(bytes32 orderId => uint256) public settleCount;
    mapping(bytes32 orderId => uint64) public ghostCardRemaining;
    mapping(bytes32 orderId => uint96) public ghostCardRate;
    mapping(bytes32 orderId => address) public ghostCardCustomer;

    uint96 public ghostCardRateNow = 1e16;
    bool public ghostPaused;
    bool public ghostTokenPaused;
    mapping(address customer => uint256) public ghostDebt;
    uint256 public ghostDebtRepaid;
    uint256 public ghostTokenRewards;
    mapping(uint256 restaurantId => bool) public ghostInactive;
    uint256 public ghostNonce;

    uint256 public ghostMinted;
    uint256 public ghostBurned;
    uint256 public ghostEscrowed;
    uint256 public ghostFulfilledPaid;
    uint256 public ghostFees;
    uint256 public ghostFranchiseePaid;
    uint256 public ghostGelMinted;
    uint256 public ghostDistinctIds;
    uint256 public ghostPointsShortfall;

    uint256 public ghostUnexpected;
    uint256 public ghostBadTransitions;
    string public lastUnexpected;

    mapping(string => uint256) public calls;

    constructor(Contracts memory c, Actors memory a) {
        KYC = c.kyc;
        FRANCHISE = c.franchise;
        HOTPOT = c.hotPot;
        SETTLEMENT = c.settlement;
        GEL = c.gel;
        actors = a;
        franchisees.push(a.franchiseeA);
        franchisees.push(a.franchiseeB);
        restaurantIds.push(1);
        restaurantIds.push(2);
        for (uint256 i; i < 3; ++i) {
            (address customer, uint256 key) = makeAddrAndKey(string.concat("customer", vm.toString(i)));
            customers.push(customer);
            customerKeys.push(key);
        }
        stranger = makeAddr("stranger");
    }

    // ─── Token orders ────────────────────────────────────────────────────────────────────────

    function placeOrder(
        uint256 customerSeed,
        uint256 restaurantSeed,
        uint256 price,
        uint256 discountSeed,
        uint256 flags
    ) external {
        calls["placeOrder"]++;
        uint256 c = customerSeed % customers.length;
        // Now and then try to reuse an id that is already taken.
        bool reuse = flags % 11 == 0 && _allIds.length != 0;
        IOrderSettlement.TokenOrder memory order = _buildOrder(c, restaurantSeed, price, discountSeed, flags, reuse);
        uint256 paid = uint256(order.price) - order.discount;
        _mintGel(order.customer, paid);

        // Now and then a bad quote: signed by the customer, or for another order (a later reclaim
        // time), or another customer sending someone else's quoted order (id squatting).
        uint256 quoteMode = (flags >> 24) % 10;
        bytes memory quote = _signQuote(quoteMode == 0 ? customerKeys[c] : actors.settlerKey, order);
        address sender = order.customer;
        if (quoteMode == 1) {
            order.reclaimAfter += 1;
            calls["quoteTampered"]++;
        } else if (quoteMode == 2) {
            c = (c + 1) % customers.length;
            sender = customers[c];
            calls["quoteSquatted"]++;
        } else if (quoteMode == 0) {
            calls["quoteNotFromSettler"]++;
        }

        IOrderSettlement.OrderStatus before = SETTLEMENT.orderOf(order.orderId).status;
        bool ok = _submitPlacement(order, quote, sender, c, paid, flags);
        // A discount burns points, which the paused loyalty token refuses.
        bool burns = order.pointsRedeemed != 0;
        _check(
            !ghostPaused &&
                !reuse &&
                quoteMode > 2 &&
                !ghostInactive[order.restaurantId] &&
                !(ghostTokenPaused && burns),
            ok,
            "placeOrder"
        );
        _checkTransition(order.orderId, before);
        if (!ok) return;

        _tokenOrders.push(order);
        _newId(order.orderId, IOrderSettlement.OrderStatus.Escrowed);
        ghostEscrowed += paid;
        ghostBurned += order.pointsRedeemed;
    }

    function _buildOrder(
        uint256 c,
        uint256 restaurantSeed,
        uint256 price,
        uint256 discountSeed,
        uint256 flags,
        bool reuse
    ) internal returns (IOrderSettlement.TokenOrder memory order) {
        address customer = customers[c];
        price = bound(price, 1, MAX_PRICE);
        uint256 maxDiscount = (price * MAX_DISCOUNT_BPS) / 10_000;
        uint256 affordable = HOTPOT.balanceOf(customer) / POINTS_PER_DISCOUNT_UNIT;
        if (affordable < maxDiscount) maxDiscount = affordable;
        uint256 discount = flags % 3 == 0 ? 0 : bound(discountSeed, 0, maxDiscount);
        order = IOrderSettlement.TokenOrder({
            orderId: reuse ? _allIds[discountSeed % _allIds.length] : _freshId(),
            restaurantId: restaurantIds[restaurantSeed % restaurantIds.length],
            customer: customer,
            token: address(GEL),
            price: uint96(price),
            discount: uint96(discount),
            pointsRedeemed: discount * POINTS_PER_DISCOUNT_UNIT,
            reclaimAfter: uint48(block.timestamp + bound(price, 1 hours, 3 days))
        });
    }

    /// @dev Sends `order` with `quote` from `sender` (customer `c`, who signs any permit).
    function _submitPlacement(
        IOrderSettlement.TokenOrder memory order,
        bytes memory quote,
        address sender,
        uint256 c,
        uint256 paid,
        uint256 flags
    ) internal returns (bool ok) {
        if ((flags >> 8) % 2 == 0) {
            vm.prank(sender);
            GEL.approve(address(SETTLEMENT), paid);
            vm.prank(sender);
            try SETTLEMENT.placeOrder(order, quote) {
                ok = true;
            } catch {}
            return ok;
        }
        calls["placeOrderWithPermit"]++;
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(c, paid, deadline);
        if ((flags >> 16) % 4 == 0) {
            // Front-run: someone submits the permit first; the order must still go through.
            calls["permitFrontRun"]++;
            vm.prank(stranger);
            GEL.permit(sender, address(SETTLEMENT), paid, deadline, v, r, s);
        }
        vm.prank(sender);
        try SETTLEMENT.placeOrderWithPermit(order, quote, deadline, v, r, s) {
            ok = true;
        } catch {}
        // Leave no allowance behind when the order was not placed.
        vm.prank(sender);
        GEL.approve(address(SETTLEMENT), 0);
    }

    function fulfill(uint256 orderSeed, uint256 operatorSeed) external {
        calls["fulfill"]++;
        if (_tokenOrders.length == 0) return;
        IOrderSettlement.TokenOrder memory order = _tokenOrders[orderSeed % _tokenOrders.length];
        (address owner, uint16 feeBps, ) = FRANCHISE.payoutInfo(order.restaurantId);
        address operator = _operator(owner, operatorSeed);

        bool expectOk =
            ghostStatus[order.orderId] == IOrderSettlement.OrderStatus.Escrowed && !ghostPaused && operator != stranger;
        uint256 paid = uint256(order.price) - order.discount;
        uint256 fee = (paid * feeBps) / 10_000;
        // Rewards are capped by the fee, counted in points at the currency's points price.
        uint256 reward = paid * REWARD_PER_UNIT;
        if (reward > fee * POINTS_PER_DISCOUNT_UNIT) reward = fee * POINTS_PER_DISCOUNT_UNIT;
        if (ghostTokenPaused && reward != 0) expectOk = false;
        uint256 ownerBefore = GEL.balanceOf(owner);
        uint256 treasuryBefore = GEL.balanceOf(actors.treasury);
        IOrderSettlement.OrderStatus before = SETTLEMENT.orderOf(order.orderId).status;

        vm.prank(operator);
        bool ok;
        try SETTLEMENT.fulfill(order, RECEIPT) {
            ok = true;
        } catch {}
        _check(expectOk, ok, "fulfill");
        _checkTransition(order.orderId, before);
        if (!ok) return;

        ghostStatus[order.orderId] = IOrderSettlement.OrderStatus.Fulfilled;
        settleCount[order.orderId]++;
        ghostEscrowed -= paid;
        ghostFulfilledPaid += paid;
        ghostFees += fee;
        ghostFranchiseePaid += paid - fee;
        ghostMinted += reward;
        ghostTokenRewards += reward;
        _check(true, GEL.balanceOf(owner) - ownerBefore == paid - fee, "fulfill: franchisee amount");
        _check(true, GEL.balanceOf(actors.treasury) - treasuryBefore == fee, "fulfill: fee amount");
    }

    function refund(uint256 orderSeed, uint256 operatorSeed) external {
        calls["refund"]++;
        if (_tokenOrders.length == 0) return;
        IOrderSettlement.TokenOrder memory order = _tokenOrders[orderSeed % _tokenOrders.length];
        (address owner, , ) = FRANCHISE.payoutInfo(order.restaurantId);
        address operator = _operator(owner, operatorSeed);

        // Refunds ignore both pauses.
        bool expectOk = ghostStatus[order.orderId] == IOrderSettlement.OrderStatus.Escrowed && operator != stranger;
        IOrderSettlement.OrderStatus before = SETTLEMENT.orderOf(order.orderId).status;

        vm.prank(operator);
        bool ok;
        try SETTLEMENT.refund(order) {
            ok = true;
        } catch {}
        _check(expectOk, ok, "refund");
        _checkTransition(order.orderId, before);
        if (!ok) return;

        ghostStatus[order.orderId] = IOrderSettlement.OrderStatus.Refunded;
        settleCount[order.orderId]++;
        ghostEscrowed -= uint256(order.price) - order.discount;
        _restore(order);
    }

    function reclaim(uint256 orderSeed, uint256 warpBy) external {
        calls["reclaim"]++;
        vm.warp(block.timestamp + bound(warpBy, 0, 1 days));
        if (_tokenOrders.length == 0) return;
        IOrderSettlement.TokenOrder memory order = _tokenOrders[orderSeed % _tokenOrders.length];

        bool expectOk =
            ghostStatus[order.orderId] == IOrderSettlement.OrderStatus.Escrowed &&
                block.timestamp >= order.reclaimAfter;
        IOrderSettlement.OrderStatus before = SETTLEMENT.orderOf(order.orderId).status;

        vm.prank(order.customer);
        bool ok;
        try SETTLEMENT.reclaim(order) {
            ok = true;
        } catch {}
        _check(expectOk, ok, "reclaim");
        _checkTransition(order.orderId, before);
        if (!ok) return;

        ghostStatus[order.orderId] = IOrderSettlement.OrderStatus.Reclaimed;
        settleCount[order.orderId]++;
        ghostEscrowed -= uint256(order.price) - order.discount;
        _restore(order);
    }

    // ─── Card payments ───────────────────────────────────────────────────────────────────────

    function settleCardPayment(uint256 customerSeed, uint256 restaurantSeed, uint64 amount, uint256 flags) external {
        calls["settleCardPayment"]++;
        amount = uint64(bound(amount, 1, MAX_CARD));
        address customer = customers[customerSeed % customers.length];
        bool reuse = flags % 5 == 0 && _allIds.length != 0;
        bytes32 orderId = reuse ? _allIds[flags % _allIds.length] : _freshId();
        uint256 restaurantId = restaurantIds[restaurantSeed % restaurantIds.length];
        IOrderSettlement.OrderStatus before = SETTLEMENT.orderOf(orderId).status;

        vm.prank(actors.settler);
        bool ok;
        try
            SETTLEMENT.settleCardPayment(
                orderId,
                restaurantId,
                customer,
                amount,
                keccak256(abi.encode(orderId)),
                RECEIPT
            )
        {
            ok = true;
        } catch {}
        bool mints = uint256(amount) * ghostCardRateNow != 0;
        _check(
            !ghostPaused && !reuse && !ghostInactive[restaurantId] && !(ghostTokenPaused && mints),
            ok,
            "settleCardPayment"
        );
        _checkTransition(orderId, before);
        if (ok) _recordCard(orderId, customer, amount);
    }

    function settleCardPayments(uint256 size, uint256 seed) external {
        calls["settleCardPayments"]++;
        size = bound(size, 1, 6);
        IOrderSettlement.CardPayment[] memory batch = new IOrderSettlement.CardPayment[](size);
        bool[] memory fresh = new bool[](size);
        bool invalid;
        uint256 expectedSettled;
        for (uint256 i; i < size; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bytes32 orderId;
            if (r % 4 == 0 && _allIds.length != 0) {
                orderId = _allIds[(r >> 8) % _allIds.length]; // settled before: skipped
            } else if (r % 4 == 1 && i != 0) {
                orderId = batch[(r >> 8) % i].orderId; // repeated within the batch: skipped
            } else {
                orderId = _freshId();
                fresh[i] = true;
                ++expectedSettled;
            }
            uint64 amount = uint64(bound(r >> 16, 1, MAX_CARD));
            // Rarely an invalid entry, which must revert the whole batch.
            if (r % 29 == 0 && fresh[i]) {
                amount = 0;
                invalid = true;
            }
            // Runs of one restaurant are common (relayers sort batches), so the cached check is used.
            uint256 restaurantId =
                (r >> 24) % 3 == 0 && i != 0
                    ? batch[i - 1].restaurantId
                    : restaurantIds[(r >> 32) % restaurantIds.length];
            // Any recorded (not skipped) entry of an inactive restaurant reverts the batch, and so
            // does one with a reward while the loyalty token is paused.
            if (fresh[i] && ghostInactive[restaurantId]) invalid = true;
            if (fresh[i] && ghostTokenPaused && uint256(amount) * ghostCardRateNow != 0) invalid = true;
            batch[i] = IOrderSettlement.CardPayment({
                orderId: orderId,
                restaurantId: restaurantId,
                customer: customers[(r >> 40) % customers.length],
                amount: amount,
                paymentRef: keccak256(abi.encode(orderId, "pi")),
                receiptDigest: RECEIPT
            });
        }
        IOrderSettlement.OrderStatus[] memory before = new IOrderSettlement.OrderStatus[](size);
        for (uint256 i; i < size; ++i) before[i] = SETTLEMENT.orderOf(batch[i].orderId).status;

        vm.prank(actors.settler);
        bool ok;
        uint256 settled;
        try SETTLEMENT.settleCardPayments(batch) returns (uint256 n) {
            ok = true;
            settled = n;
        } catch {}
        _check(!ghostPaused && !invalid, ok, "settleCardPayments");
        for (uint256 i; i < size; ++i) _checkTransition(batch[i].orderId, before[i]);
        if (!ok) return;

        calls["batchDuplicates"] += size - expectedSettled;
        _check(true, settled == expectedSettled, "settleCardPayments: count");
        for (uint256 i; i < size; ++i) {
            if (fresh[i]) _recordCard(batch[i].orderId, batch[i].customer, batch[i].amount);
        }
    }

    function recordCardRefund(uint256 cardSeed, uint256 amountSeed, uint256 flags) external {
        calls["recordCardRefund"]++;
        if (_cardIds.length == 0) return;
        bytes32 orderId = _cardIds[cardSeed % _cardIds.length];
        uint64 remaining = ghostCardRemaining[orderId];
        bool settled = ghostStatus[orderId] == IOrderSettlement.OrderStatus.CardSettled;

        uint64 amount;
        bytes32 ref;
        bool expectOk = settled;
        if (flags % 7 == 0 && _refundRefs.length != 0) {
            ref = _refundRefs[amountSeed % _refundRefs.length]; // replay
            amount = remaining == 0 ? 1 : uint64(bound(amountSeed, 1, remaining));
            expectOk = false;
        } else if (flags % 7 == 1) {
            ref = _freshId();
            amount = remaining + 1; // more than is left
            expectOk = false;
        } else {
            ref = _freshId();
            amount = remaining == 0 ? 1 : uint64(bound(amountSeed, 1, remaining));
        }

        address customer = ghostCardCustomer[orderId];
        uint256 clawback = uint256(amount) * ghostCardRate[orderId];
        uint256 balance = HOTPOT.balanceOf(customer);
        uint256 burned = clawback < balance ? clawback : balance;
        IOrderSettlement.OrderStatus before = SETTLEMENT.orderOf(orderId).status;
        // Burning a clawback waits for the loyalty token's unpause.
        if (ghostTokenPaused && burned != 0) expectOk = false;

        // Card refunds ignore the settlement pause.
        vm.prank(actors.settler);
        bool ok;
        try SETTLEMENT.recordCardRefund(orderId, amount, ref) {
            ok = true;
        } catch {}
        _check(expectOk, ok, "recordCardRefund");
        _checkTransition(orderId, before);
        if (!ok) return;

        _refundRefs.push(ref);
        ghostCardRemaining[orderId] = remaining - amount;
        if (remaining == amount) ghostStatus[orderId] = IOrderSettlement.OrderStatus.CardRefunded;
        ghostBurned += burned;
        ghostPointsShortfall += clawback - burned;
        ghostDebt[customer] += clawback - burned;
        _check(true, balance - HOTPOT.balanceOf(customer) == burned, "recordCardRefund: burned");
    }

    // ─── Environment ─────────────────────────────────────────────────────────────────────────

    function setCardRate(uint96 rate) external {
        calls["setCardRate"]++;
        rate = uint96(bound(rate, 0, 1e17));
        vm.prank(actors.admin);
        SETTLEMENT.setCardRewardPerUnit(rate);
        ghostCardRateNow = rate;
    }

    function setFee(uint256 restaurantSeed, uint16 feeBps) external {
        calls["setFee"]++;
        vm.prank(actors.franchiseAdmin);
        FRANCHISE.setFee(restaurantIds[restaurantSeed % restaurantIds.length], uint16(bound(feeBps, 0, 5_000)));
    }

    function setPaused(uint8 seed) external {
        calls["setPaused"]++;
        bool pause = seed % 4 == 0; // paused about a quarter of the time
        if (pause == ghostPaused) return;
        vm.prank(actors.pauser);
        if (pause) SETTLEMENT.pause();
        else SETTLEMENT.unpause();
        ghostPaused = pause;
    }

    function setTokenPaused(uint8 seed) external {
        calls["setTokenPaused"]++;
        bool pause = seed % 5 == 0; // the loyalty token paused about a fifth of the time
        if (pause == ghostTokenPaused) return;
        vm.prank(actors.pauser);
        if (pause) HOTPOT.pause();
        else HOTPOT.unpause();
        ghostTokenPaused = pause;
    }

    function setActive(uint256 restaurantSeed, uint8 seed) external {
        calls["setActive"]++;
        uint256 id = restaurantIds[restaurantSeed % restaurantIds.length];
        bool inactive = seed % 4 == 0; // each restaurant closed about a quarter of the time
        vm.prank(actors.franchiseAdmin);
        FRANCHISE.setActive(id, !inactive);
        ghostInactive[id] = inactive;
    }

    function transferFranchise(uint256 restaurantSeed) external {
        calls["transferFranchise"]++;
        uint256 id = restaurantIds[restaurantSeed % restaurantIds.length];
        address owner = FRANCHISE.ownerOf(id);
        address to = owner == franchisees[0] ? franchisees[1] : franchisees[0];
        vm.prank(owner);
        FRANCHISE.transferFrom(owner, to, id);
    }

    function spendPoints(uint256 customerSeed, uint256 amount) external {
        calls["spendPoints"]++;
        if (ghostTokenPaused) return;
        address customer = customers[customerSeed % customers.length];
        amount = bound(amount, 0, HOTPOT.balanceOf(customer));
        vm.prank(customer);
        HOTPOT.burn(amount);
        ghostBurned += amount;
    }

    // ─── Views for the invariants ────────────────────────────────────────────────────────────

    function tokenOrderCount() external view returns (uint256) {
        return _tokenOrders.length;
    }

    function tokenOrderAt(uint256 i) external view returns (IOrderSettlement.TokenOrder memory) {
        return _tokenOrders[i];
    }

    function idCount() external view returns (uint256) {
        return _allIds.length;
    }

    function idAt(uint256 i) external view returns (bytes32) {
        return _allIds[i];
    }

    function cardCount() external view returns (uint256) {
        return _cardIds.length;
    }

    function cardAt(uint256 i) external view returns (bytes32) {
        return _cardIds[i];
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────────

    function _freshId() internal returns (bytes32) {
        return keccak256(abi.encode("handler-id", ++ghostNonce));
    }

    function _newId(bytes32 orderId, IOrderSettlement.OrderStatus status) internal {
        _allIds.push(orderId);
        ghostStatus[orderId] = status;
        ++ghostDistinctIds;
    }

    function _recordCard(bytes32 orderId, address customer, uint64 amount) internal {
        _cardIds.push(orderId);
        _newId(orderId, IOrderSettlement.OrderStatus.CardSettled);
        settleCount[orderId]++;
        ghostCardRemaining[orderId] = amount;
        ghostCardRate[orderId] = ghostCardRateNow;
        ghostCardCustomer[orderId] = customer;
        ghostMinted += uint256(amount) * ghostCardRateNow;
    }

    /// @dev An order's escrowed points come back: the customer's debt is repaid first.
    function _restore(IOrderSettlement.TokenOrder memory order) internal {
        uint256 debt = ghostDebt[order.customer];
        uint256 repaid = debt < order.pointsRedeemed ? debt : order.pointsRedeemed;
        ghostDebt[order.customer] = debt - repaid;
        ghostDebtRepaid += repaid;
        ghostMinted += order.pointsRedeemed - repaid;
    }

    function _mintGel(address to, uint256 amount) internal {
        if (amount == 0) return;
        vm.prank(actors.admin);
        GEL.mint(to, amount);
        ghostGelMinted += amount;
    }

    function _operator(address owner, uint256 seed) internal view returns (address) {
        uint256 pick = seed % 4;
        if (pick == 0) return owner;
        if (pick == 3) return stranger;
        return actors.settler;
    }

    function _signQuote(uint256 key, IOrderSettlement.TokenOrder memory order) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, SETTLEMENT.quoteDigest(order));
        return abi.encodePacked(r, s, v);
    }

    function _signPermit(uint256 c, uint256 value, uint256 deadline) internal view returns (uint8, bytes32, bytes32) {
        address owner = customers[c];
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(SETTLEMENT),
                value,
                GEL.nonces(owner),
                deadline
            )
        );
        return vm.sign(customerKeys[c], keccak256(abi.encodePacked("\x19\x01", GEL.DOMAIN_SEPARATOR(), structHash)));
    }

    function _check(bool expected, bool actual, string memory what) internal {
        if (expected != actual) {
            ++ghostUnexpected;
            lastUnexpected = what;
        }
    }

    function _checkTransition(bytes32 orderId, IOrderSettlement.OrderStatus before) internal {
        IOrderSettlement.OrderStatus afterwards = SETTLEMENT.orderOf(orderId).status;
        if (!before.canBecome(afterwards)) {
            ++ghostBadTransitions;
            lastUnexpected = "transition";
        }
    }
}

/// @notice The order life cycle: which status may follow which (staying put is always allowed).
library HandlerStatus {
    function canBecome(
        IOrderSettlement.OrderStatus from,
        IOrderSettlement.OrderStatus to
    ) internal pure returns (bool) {
        if (from == to) return true;
        if (from == IOrderSettlement.OrderStatus.None) {
            return to == IOrderSettlement.OrderStatus.Escrowed || to == IOrderSettlement.OrderStatus.CardSettled;
        }
        if (from == IOrderSettlement.OrderStatus.Escrowed) {
            return
                to == IOrderSettlement.OrderStatus.Fulfilled ||
                to == IOrderSettlement.OrderStatus.Refunded ||
                to == IOrderSettlement.OrderStatus.Reclaimed;
        }
        if (from == IOrderSettlement.OrderStatus.CardSettled) return to == IOrderSettlement.OrderStatus.CardRefunded;
        return false; // Fulfilled, Refunded, Reclaimed and CardRefunded are final
    }
}
