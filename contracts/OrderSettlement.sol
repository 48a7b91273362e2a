// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IFranchiseNFT} from "./interfaces/IFranchiseNFT.sol";
import {IHotPotToken} from "./interfaces/IHotPotToken.sol";
import {IOrderSettlement} from "./interfaces/IOrderSettlement.sol";
import {OrderMath} from "./libraries/OrderMath.sol";

/// @title OrderSettlement
/// @notice See {IOrderSettlement}.
contract OrderSettlement is IOrderSettlement, AccessControl, EIP712, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Role of the platform's relayer: records card payments and refunds, fulfils and refunds orders.
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @notice Role that pauses and unpauses settlement.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice The least time a restaurant gets to serve a token order before the customer may reclaim it.
    uint256 public constant MIN_RECLAIM_DELAY = 1 hours;
    /// @notice EIP-712 type of a quoted token order.
    bytes32 public constant TOKEN_ORDER_TYPEHASH = keccak256(
        "TokenOrder(bytes32 orderId,uint256 restaurantId,address customer,address token,"
        "uint96 price,uint96 discount,uint256 pointsRedeemed,uint48 reclaimAfter)"
    );

    /// @notice The franchise registry: restaurant owners, fees and active flags.
    IFranchiseNFT public immutable FRANCHISE;
    /// @notice The loyalty token minted as rewards and burned on redemption.
    IHotPotToken public immutable LOYALTY;

    // Declared first so they share a slot with Pausable's flag (Pausable comes last among the
    // stateful bases): a card settlement reads the pause flag and the reward rate with one cold
    // storage access. Keep it so when adding bases.
    uint96 private _cardRate;
    uint24 private _cardRateEpoch;

    address private _treasury;
    mapping(uint24 epoch => uint96 rate) private _cardRateHistory;
    mapping(address token => Currency) private _currencies;
    mapping(bytes32 orderId => OrderRecord) private _orders;
    mapping(bytes32 orderId => bytes32 orderHash) private _tokenOrderHashes;
    mapping(bytes32 refundRef => bool) private _recordedRefunds;
    mapping(address customer => uint256 points) private _loyaltyDebt;

    constructor(
        address admin,
        IFranchiseNFT franchise,
        IHotPotToken loyalty,
        address treasury_,
        uint96 cardRate
    ) EIP712("Hot Pot Spot", "1") {
        if (admin == address(0) || address(franchise) == address(0) || address(loyalty) == address(0)) {
            revert OrderSettlementZeroAddress();
        }
        FRANCHISE = franchise;
        LOYALTY = loyalty;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setTreasury(treasury_);
        _setCardRate(cardRate, 0);
    }

    // ─── Token orders ────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IOrderSettlement
    function placeOrder(TokenOrder calldata order, bytes calldata quote) external nonReentrant whenNotPaused {
        uint256 paid = _recordPlacement(order, quote);
        _collect(order, paid);
    }

    /// @inheritdoc IOrderSettlement
    function placeOrderWithPermit(
        TokenOrder calldata order,
        bytes calldata quote,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused {
        uint256 paid = _recordPlacement(order, quote);
        // Anyone who saw the signature may have submitted it first; the allowance it granted is
        // then in place and _collect uses it. Any other permit failure surfaces there too.
        try IERC20Permit(order.token).permit(order.customer, address(this), paid, permitDeadline, v, r, s) {} catch {}
        _collect(order, paid);
    }

    /// @inheritdoc IOrderSettlement
    function fulfill(TokenOrder calldata order, bytes32 receiptDigest) external nonReentrant whenNotPaused {
        if (receiptDigest == bytes32(0)) revert OrderSettlementEmptyReceipt();
        _requireEscrowed(order);
        (address franchisee, uint16 feeBps, ) = FRANCHISE.payoutInfo(order.restaurantId);
        _requireOperator(franchisee, order.restaurantId);

        uint256 paid = order.price - order.discount;
        (uint256 franchiseeAmount, uint256 platformFee) = OrderMath.split(paid, feeBps);
        Currency memory cur = _currencies[order.token];
        uint256 reward = OrderMath.cappedReward(paid, cur.rewardPerUnit, platformFee, cur.pointsPerDiscountUnit);

        _orders[order.orderId].status = OrderStatus.Fulfilled;
        emit TokenOrderFulfilled(
            order.orderId,
            franchisee,
            msg.sender,
            franchiseeAmount,
            platformFee,
            reward,
            receiptDigest
        );

        IERC20 token = IERC20(order.token);
        if (franchiseeAmount != 0) token.safeTransfer(franchisee, franchiseeAmount);
        if (platformFee != 0) token.safeTransfer(_treasury, platformFee);
        if (reward != 0) LOYALTY.mint(order.customer, reward);
    }

    /// @inheritdoc IOrderSettlement
    function refund(TokenOrder calldata order) external nonReentrant {
        _requireEscrowed(order);
        (address franchisee, , ) = FRANCHISE.payoutInfo(order.restaurantId);
        _requireOperator(franchisee, order.restaurantId);
        _returnEscrow(order, OrderStatus.Refunded);
    }

    /// @inheritdoc IOrderSettlement
    function reclaim(TokenOrder calldata order) external nonReentrant {
        _requireEscrowed(order);
        if (msg.sender != order.customer) revert OrderSettlementNotCustomer(msg.sender, order.customer);
        if (block.timestamp < order.reclaimAfter) revert OrderSettlementReclaimNotYet(order.reclaimAfter);
        _returnEscrow(order, OrderStatus.Reclaimed);
    }

    // ─── Card payments ───────────────────────────────────────────────────────────────────────

    // The two card entry points carry no reentrancy guard: they are settler-only and call out only
    // to the immutable FranchiseNFT (a view) and HotPotToken's mint, which makes no callbacks.

    /// @inheritdoc IOrderSettlement
    function settleCardPayment(
        bytes32 orderId,
        uint256 restaurantId,
        address customer,
        uint64 amount,
        bytes32 paymentRef,
        bytes32 receiptDigest
    ) external onlyRole(SETTLER_ROLE) whenNotPaused {
        if (_orders[orderId].status != OrderStatus.None) revert OrderSettlementOrderExists(orderId);
        if (!FRANCHISE.isActive(restaurantId)) revert OrderSettlementRestaurantInactive(restaurantId);
        _recordCard(orderId, restaurantId, customer, amount, paymentRef, receiptDigest, _cardRate, _cardRateEpoch);
    }

    /// @inheritdoc IOrderSettlement
    function settleCardPayments(
        CardPayment[] calldata payments
    ) external onlyRole(SETTLER_ROLE) whenNotPaused returns (uint256 settled) {
        if (payments.length == 0) revert OrderSettlementEmptyBatch();
        (uint96 rate, uint24 epoch) = (_cardRate, _cardRateEpoch);
        // A relayer that sorts a batch by restaurant pays one lookup per restaurant. Restaurant 0 is
        // never registered; it doubles as "nothing checked yet", so it is always looked up (and fails).
        uint256 checkedRestaurant = 0;
        for (uint256 i = 0; i < payments.length; ++i) {
            CardPayment calldata p = payments[i];
            if (_orders[p.orderId].status != OrderStatus.None) {
                emit CardPaymentDuplicateSkipped(p.orderId);
                continue;
            }
            if (p.restaurantId != checkedRestaurant || p.restaurantId == 0) {
                if (!FRANCHISE.isActive(p.restaurantId)) revert OrderSettlementRestaurantInactive(p.restaurantId);
                checkedRestaurant = p.restaurantId;
            }
            _recordCard(p.orderId, p.restaurantId, p.customer, p.amount, p.paymentRef, p.receiptDigest, rate, epoch);
            // Bounded by payments.length, which calldata size bounds far below 2^256.
            unchecked {
                ++settled;
            }
        }
    }

    /// @inheritdoc IOrderSettlement
    function recordCardRefund(
        bytes32 orderId,
        uint64 amount,
        bytes32 refundRef
    ) external onlyRole(SETTLER_ROLE) nonReentrant {
        // The replay check comes first so that a retried refund always gets the same answer, even
        // when that refund emptied the order.
        if (refundRef == bytes32(0)) revert OrderSettlementInvalidRefundRef();
        if (_recordedRefunds[refundRef]) revert OrderSettlementRefundAlreadyRecorded(refundRef);
        OrderRecord memory record = _orders[orderId];
        if (record.status != OrderStatus.CardSettled) revert OrderSettlementInvalidStatus(orderId, record.status);
        if (amount == 0) revert OrderSettlementZeroAmount();
        if (amount > record.cardAmount) revert OrderSettlementRefundExceedsAmount(amount, record.cardAmount);

        // Rewards are linear in the amount, so clawing back amount × rate on each partial refund
        // takes back exactly what was minted once the whole payment is refunded.
        uint256 clawback = OrderMath.reward(amount, _cardRateHistory[record.cardRateEpoch]);
        (uint256 burned, uint256 shortfall) = OrderMath.takeUpTo(clawback, LOYALTY.balanceOf(record.customer));
        // `record.cardAmount >= amount` was checked above.
        uint64 remaining;
        unchecked {
            remaining = record.cardAmount - amount;
        }

        _recordedRefunds[refundRef] = true;
        _orders[orderId].cardAmount = remaining;
        if (remaining == 0) _orders[orderId].status = OrderStatus.CardRefunded;
        emit CardRefundRecorded(orderId, refundRef, amount, remaining, burned, shortfall);
        if (shortfall != 0) {
            // Checked: debt is bounded by rewards ever minted, far below 2^256.
            uint256 debt = _loyaltyDebt[record.customer] + shortfall;
            _loyaltyDebt[record.customer] = debt;
            emit LoyaltyDebtRecorded(record.customer, orderId, shortfall, debt);
        }

        if (burned != 0) LOYALTY.redeem(record.customer, burned);
    }

    // ─── Administration ──────────────────────────────────────────────────────────────────────

    /// @inheritdoc IOrderSettlement
    function setCurrency(address token, Currency calldata config) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert OrderSettlementZeroAddress();
        if (config.maxDiscountBps > OrderMath.BPS) revert OrderSettlementInvalidCurrencyConfig();
        // A discount without a price in points would give food away for nothing, and rewards are
        // capped by what the fee buys back in points (OrderMath.cappedReward), so they need it too.
        if ((config.maxDiscountBps != 0 || config.rewardPerUnit != 0) && config.pointsPerDiscountUnit == 0)
            revert OrderSettlementInvalidCurrencyConfig();

        _currencies[token] = config;
        emit CurrencyConfigured(
            token,
            config.allowed,
            config.maxDiscountBps,
            config.rewardPerUnit,
            config.pointsPerDiscountUnit
        );
    }

    /// @inheritdoc IOrderSettlement
    function setCardRewardPerUnit(uint96 rate) external onlyRole(DEFAULT_ADMIN_ROLE) {
        // Checked: after 2^24 - 1 changes this reverts rather than overwrite epoch 0's history.
        _setCardRate(rate, _cardRateEpoch + 1);
    }

    /// @inheritdoc IOrderSettlement
    function setTreasury(address newTreasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(newTreasury);
    }

    /// @inheritdoc IOrderSettlement
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IOrderSettlement
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IOrderSettlement
    function orderOf(bytes32 orderId) external view returns (OrderRecord memory) {
        return _orders[orderId];
    }

    /// @inheritdoc IOrderSettlement
    function tokenOrderHash(bytes32 orderId) external view returns (bytes32) {
        return _tokenOrderHashes[orderId];
    }

    /// @inheritdoc IOrderSettlement
    function hashTokenOrder(TokenOrder calldata order) public pure returns (bytes32) {
        // Not bound to the chain id: storage is this contract's own, and an escrowed order must stay
        // reachable even if the chain id changed (a fork). Signatures are bound by `quoteDigest`.
        return keccak256(abi.encode(order));
    }

    /// @inheritdoc IOrderSettlement
    function quoteDigest(TokenOrder calldata order) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(TOKEN_ORDER_TYPEHASH, order)));
    }

    /// @inheritdoc IOrderSettlement
    function currencyOf(address token) external view returns (Currency memory) {
        return _currencies[token];
    }

    /// @inheritdoc IOrderSettlement
    function cardRewardPerUnit() external view returns (uint96 rate, uint24 epoch) {
        return (_cardRate, _cardRateEpoch);
    }

    /// @inheritdoc IOrderSettlement
    function cardRewardRateAt(uint24 epoch) external view returns (uint96) {
        return _cardRateHistory[epoch];
    }

    /// @inheritdoc IOrderSettlement
    function loyaltyDebtOf(address customer) external view returns (uint256) {
        return _loyaltyDebt[customer];
    }

    /// @inheritdoc IOrderSettlement
    function treasury() external view returns (address) {
        return _treasury;
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────────

    /// @dev Checks a new token order and its quote and records it; returns the amount to collect.
    function _recordPlacement(TokenOrder calldata order, bytes calldata quote) private returns (uint256 paid) {
        if (msg.sender != order.customer) revert OrderSettlementNotCustomer(msg.sender, order.customer);
        if (order.orderId == bytes32(0)) revert OrderSettlementInvalidOrderId();
        OrderStatus status = _orders[order.orderId].status;
        if (status != OrderStatus.None) revert OrderSettlementOrderExists(order.orderId);
        Currency memory currency = _currencies[order.token];
        if (!currency.allowed) revert OrderSettlementCurrencyNotAllowed(order.token);
        if (order.price == 0) revert OrderSettlementZeroAmount();
        uint256 maxDiscount = OrderMath.maxDiscount(order.price, currency.maxDiscountBps);
        if (order.discount > maxDiscount) revert OrderSettlementDiscountTooHigh(order.discount, maxDiscount);
        uint256 expectedPoints = OrderMath.pointsFor(order.discount, currency.pointsPerDiscountUnit);
        if (order.pointsRedeemed != expectedPoints)
            revert OrderSettlementInvalidRedemption(order.pointsRedeemed, expectedPoints);
        uint256 earliest = block.timestamp + MIN_RECLAIM_DELAY;
        if (order.reclaimAfter < earliest) revert OrderSettlementReclaimTooSoon(order.reclaimAfter, earliest);
        if (!FRANCHISE.isActive(order.restaurantId)) revert OrderSettlementRestaurantInactive(order.restaurantId);
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(quoteDigest(order), quote);
        if (error != ECDSA.RecoverError.NoError || !hasRole(SETTLER_ROLE, signer)) {
            revert OrderSettlementInvalidQuote(signer);
        }

        // discount <= maxDiscount <= price was checked above.
        unchecked {
            paid = order.price - order.discount;
        }
        _orders[order.orderId].status = OrderStatus.Escrowed;
        _tokenOrderHashes[order.orderId] = hashTokenOrder(order);
        _emitPlaced(order, paid);
    }

    /// @dev Burns the redeemed points and pulls the payment, verifying what actually arrived.
    function _collect(TokenOrder calldata order, uint256 paid) private {
        if (order.pointsRedeemed != 0) LOYALTY.redeem(order.customer, order.pointsRedeemed);
        if (paid == 0) return;
        IERC20 token = IERC20(order.token);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(order.customer, address(this), paid);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != paid) revert OrderSettlementTransferMismatch(paid, received);
    }

    /// @dev Separate frame: the event's ten values do not fit the caller's stack.
    function _emitPlaced(TokenOrder calldata order, uint256 paid) private {
        emit TokenOrderPlaced(
            order.orderId,
            order.restaurantId,
            order.customer,
            order.token,
            order.price,
            order.discount,
            order.pointsRedeemed,
            paid,
            order.reclaimAfter
        );
    }

    /// @dev Closes an escrowed order as Refunded or Reclaimed: returns its tokens and its redeemed
    /// points, which repay the customer's loyalty debt first. `restore` mints even while the loyalty
    /// token is paused.
    function _returnEscrow(TokenOrder calldata order, OrderStatus status) private {
        uint256 paid = order.price - order.discount;
        uint256 debt = order.pointsRedeemed == 0 ? 0 : _loyaltyDebt[order.customer];
        (uint256 repaid, uint256 debtLeft) = OrderMath.takeUpTo(debt, order.pointsRedeemed);
        uint256 restored = order.pointsRedeemed - repaid;
        if (repaid != 0) _loyaltyDebt[order.customer] = debtLeft;

        _orders[order.orderId].status = status;
        if (status == OrderStatus.Refunded) emit TokenOrderRefunded(order.orderId, msg.sender, paid, restored);
        else emit TokenOrderReclaimed(order.orderId, paid, restored);
        if (repaid != 0) emit LoyaltyDebtRepaid(order.customer, order.orderId, repaid, debtLeft);

        if (paid != 0) IERC20(order.token).safeTransfer(order.customer, paid);
        if (restored != 0) LOYALTY.restore(order.customer, restored);
    }

    function _requireEscrowed(TokenOrder calldata order) private view {
        bytes32 stored = _tokenOrderHashes[order.orderId];
        if (stored == bytes32(0) || stored != hashTokenOrder(order)) revert OrderSettlementOrderMismatch(order.orderId);
        OrderStatus status = _orders[order.orderId].status;
        if (status != OrderStatus.Escrowed) revert OrderSettlementInvalidStatus(order.orderId, status);
    }

    function _requireOperator(address franchisee, uint256 restaurantId) private view {
        if (msg.sender != franchisee && !hasRole(SETTLER_ROLE, msg.sender)) {
            revert OrderSettlementNotOperator(msg.sender, restaurantId);
        }
    }

    /// @dev Records a card payment whose order id is unused and whose restaurant is active.
    function _recordCard(
        bytes32 orderId,
        uint256 restaurantId,
        address customer,
        uint64 amount,
        bytes32 paymentRef,
        bytes32 receiptDigest,
        uint96 rate,
        uint24 epoch
    ) private {
        if (orderId == bytes32(0)) revert OrderSettlementInvalidOrderId();
        if (customer == address(0)) revert OrderSettlementZeroAddress();
        if (amount == 0) revert OrderSettlementZeroAmount();
        if (receiptDigest == bytes32(0)) revert OrderSettlementEmptyReceipt();

        _orders[orderId] = OrderRecord({
            status: OrderStatus.CardSettled,
            cardAmount: amount,
            customer: customer,
            cardRateEpoch: epoch
        });
        emit CardPaymentSettled(orderId, restaurantId, customer, amount, paymentRef, receiptDigest);

        uint256 reward = OrderMath.reward(amount, rate);
        if (reward != 0) LOYALTY.mint(customer, reward);
    }

    function _setTreasury(address newTreasury) private {
        if (newTreasury == address(0)) revert OrderSettlementZeroAddress();
        address previous = _treasury;
        _treasury = newTreasury;
        emit TreasuryUpdated(previous, newTreasury);
    }

    function _setCardRate(uint96 rate, uint24 epoch) private {
        uint96 previous = _cardRate;
        _cardRate = rate;
        _cardRateEpoch = epoch;
        _cardRateHistory[epoch] = rate;
        emit CardRewardPerUnitUpdated(epoch, previous, rate);
    }
}
