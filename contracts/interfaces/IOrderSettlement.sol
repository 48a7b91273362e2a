// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Order settlement: token escrow and card-payment records
/// @notice Every order id settles at most once, whichever way it is paid.
/// - Token orders: the platform quotes the order (a settler signs its EIP-712 description: the
///   price comes from the menu and the order id is bound to the customer); the customer escrows
///   the price (less a loyalty discount) in an allowed stable token; the restaurant owner or a
///   settler fulfils (paying franchisee and treasury at the fee in force then, minting rewards) or
///   refunds; from `reclaimAfter` on the customer may take an unfulfilled order back.
///   Like Base's AuthCaptureEscrow, the order's full description travels in calldata and only its
///   hash and status are stored.
/// - Card orders: paid through a card processor off chain; a settler records the payment (with
///   the hash of the processor's payment id and the digest of the receipt) and rewards are minted;
///   refunds recorded later claw the rewards back pro rata.
/// Amounts are in the payment currency's smallest unit (GEL tetri for card orders).
/// Receipts: every settled order commits to its receipt JSON by `receiptDigest`, the sha2-256 of
/// the receipt's bytes. Receipts are stored on IPFS as one raw block (CIDv1, what Kubo and Pinata
/// produce for files up to one chunk, 256 KiB), so the receipt's CID is the digest itself:
/// CIDv1(codec raw 0x55, multihash sha2-256 0x12, digest), e.g. `bafkrei…` in base32.
/// @dev Warning: settlers are trusted to record only card payments the processor confirmed and to
/// fulfil only orders the restaurant served; a settler key can mint rewards through card records.
/// @dev Warning: the contract does not know menu prices; it trusts the settler's quote signature.
/// A leaked settler key can quote any price, as it can record card payments.
/// @dev Warning: pausing stops new orders, fulfilments and card records, never refunds, reclaims
/// or card refunds. Pausing the loyalty token stops rewards (so fulfilments and card records),
/// redemptions (orders with a discount) and card-refund clawbacks that burn points; refunds and
/// reclaims still return the points an order escrowed, through the token's `restore`.
/// @dev Warning: loyalty economics. A token order's reward is capped by the platform fee it paid
/// (see `OrderMath.cappedReward`): its points buy at most as much discount, at the currency's
/// `pointsPerDiscountUnit`, as the fee the platform took. The cap is per currency: an admin who
/// prices points differently in two currencies must keep each currency's rates consistent.
/// Card payments: the processor's and the platform's card fees are off chain and the contract
/// cannot see them; it guarantees only that a card order earns `amount` × the card rate of its
/// epoch, that refunds claw that back pro rata, and that what cannot be clawed back becomes loyalty
/// debt. Keeping the card rate below the platform's card margin is the admin's responsibility.
/// @dev Warning: only plain ERC-20 stable tokens are supported: pulls are checked by balance
/// difference, so fee-on-transfer tokens revert.
interface IOrderSettlement {
    /// @notice Life cycle of an order id. `None` means the id was never used.
    enum OrderStatus {
        None,
        Escrowed,
        Fulfilled,
        Refunded,
        Reclaimed,
        CardSettled,
        CardRefunded
    }

    /// @notice Full description of a token order; hashed into storage, supplied again to act on it.
    /// @param orderId Unique id chosen off chain (e.g. keccak256 of the API's order id).
    /// @param restaurantId The franchise NFT id of the restaurant.
    /// @param customer Payer and beneficiary of rewards and refunds; must send `placeOrder`.
    /// @param token Allowed stable token the order is paid in.
    /// @param price Total before discount, in the token's smallest unit.
    /// @param discount Part of `price` paid with loyalty points instead of tokens.
    /// @param pointsRedeemed Loyalty tokens burned for the discount (`discount` × the currency's
    /// `pointsPerDiscountUnit` at placement).
    /// @param reclaimAfter Unix time from which the customer may reclaim an unfulfilled order. It
    /// also bounds the quote's life: an order must be placed at least MIN_RECLAIM_DELAY before it.
    struct TokenOrder {
        bytes32 orderId;
        uint256 restaurantId;
        address customer;
        address token;
        uint96 price;
        uint96 discount;
        uint256 pointsRedeemed;
        uint48 reclaimAfter;
    }

    /// @notice A card payment confirmed by the card processor.
    /// @param orderId Unique order id (shared id space with token orders).
    /// @param restaurantId The franchise NFT id of the restaurant.
    /// @param customer Address that earns the rewards (a custodial one for wallet-less customers).
    /// @param amount Amount charged, in GEL tetri.
    /// @param paymentRef keccak256 of the processor's payment id (e.g. Stripe PaymentIntent id).
    /// @param receiptDigest sha2-256 of the receipt JSON (see the contract notes on receipts).
    struct CardPayment {
        bytes32 orderId;
        uint256 restaurantId;
        address customer;
        uint64 amount;
        bytes32 paymentRef;
        bytes32 receiptDigest;
    }

    /// @notice Settings of one payment currency (a stable token).
    /// @param allowed Whether new orders may be paid in it.
    /// @param maxDiscountBps Largest share of a price that loyalty points may pay.
    /// @param rewardPerUnit Loyalty tokens (wei) minted per smallest unit paid.
    /// @param pointsPerDiscountUnit Loyalty tokens (wei) burned per smallest unit of discount.
    struct Currency {
        bool allowed;
        uint16 maxDiscountBps;
        uint96 rewardPerUnit;
        uint96 pointsPerDiscountUnit;
    }

    /// @notice Stored state of an order id: one storage slot.
    /// @param status Where the order is in its life cycle.
    /// @param cardAmount Card orders: tetri not yet refunded. Token orders: 0 (the escrowed amount
    /// is `price - discount` of the description, whose hash is stored separately).
    /// @param customer Card orders: the customer who earned the rewards. Token orders: zero.
    /// @param cardRateEpoch Card orders: index of the card reward rate in force at settlement, so
    /// refunds claw back exactly what was minted even after the rate changes.
    struct OrderRecord {
        OrderStatus status;
        uint64 cardAmount;
        address customer;
        uint24 cardRateEpoch;
    }

    /// @notice A token order was placed and `paid` tokens escrowed. Carries the full description.
    event TokenOrderPlaced(
        bytes32 indexed orderId,
        uint256 indexed restaurantId,
        address indexed customer,
        address token,
        uint256 price,
        uint256 discount,
        uint256 pointsRedeemed,
        uint256 paid,
        uint48 reclaimAfter
    );
    /// @notice A token order was fulfilled: escrow paid out and rewards minted to the customer.
    /// @dev `reward` is already capped by `platformFee` (see the loyalty-economics warning).
    event TokenOrderFulfilled(
        bytes32 indexed orderId,
        address indexed franchisee,
        address indexed operator,
        uint256 franchiseeAmount,
        uint256 platformFee,
        uint256 reward,
        bytes32 receiptDigest
    );
    /// @notice A token order was refunded by the restaurant or a settler before fulfilment.
    /// @dev `pointsRestored` is what was actually minted back: the order's `pointsRedeemed` less any
    /// loyalty debt it repaid (LoyaltyDebtRepaid follows in that case).
    event TokenOrderRefunded(bytes32 indexed orderId, address indexed operator, uint256 amount, uint256 pointsRestored);
    /// @notice The customer took an unfulfilled token order back after its reclaim time.
    /// @dev `pointsRestored` as in TokenOrderRefunded.
    event TokenOrderReclaimed(bytes32 indexed orderId, uint256 amount, uint256 pointsRestored);
    /// @notice A card payment was recorded and its rewards minted.
    /// @dev Kept lean, as one is emitted per card order: the reward is `amount` × the card rate in
    /// force (see CardRewardPerUnitUpdated; the mint's Transfer follows in the same transaction) and
    /// the platform's share is `amount` × the restaurant's fee (see FranchiseFeeUpdated).
    event CardPaymentSettled(
        bytes32 indexed orderId,
        uint256 indexed restaurantId,
        address indexed customer,
        uint256 amount,
        bytes32 paymentRef,
        bytes32 receiptDigest
    );
    /// @notice A batch entry was skipped because its order id was already used (by an earlier card
    /// record or by a token order).
    event CardPaymentDuplicateSkipped(bytes32 indexed orderId);
    /// @notice A card refund was recorded; rewards clawed back pro rata (as far as the balance allows).
    event CardRefundRecorded(
        bytes32 indexed orderId,
        bytes32 indexed refundRef,
        uint256 amount,
        uint256 remainingAmount,
        uint256 pointsClawedBack,
        uint256 pointsShortfall
    );
    /// @notice A card refund's clawback found too few points: `amount` (the event's
    /// `pointsShortfall`) was added to the customer's loyalty debt, which is now `debt`.
    event LoyaltyDebtRecorded(address indexed customer, bytes32 indexed orderId, uint256 amount, uint256 debt);
    /// @notice Points coming back from an escrowed order (`orderId`, refunded or reclaimed) repaid
    /// `amount` of the customer's loyalty debt instead of being restored; `debt` is what is left.
    event LoyaltyDebtRepaid(address indexed customer, bytes32 indexed orderId, uint256 amount, uint256 debt);
    /// @notice The settings of a payment currency changed.
    event CurrencyConfigured(
        address indexed token,
        bool allowed,
        uint16 maxDiscountBps,
        uint96 rewardPerUnit,
        uint96 pointsPerDiscountUnit
    );
    /// @notice The reward rate of card payments changed; `epoch` numbers the rates in order.
    event CardRewardPerUnitUpdated(uint24 indexed epoch, uint96 previousRate, uint96 newRate);
    /// @notice The platform treasury changed.
    event TreasuryUpdated(address previousTreasury, address newTreasury);

    /// @notice The order id is zero.
    error OrderSettlementInvalidOrderId();
    /// @notice The order id was already used (placed or settled).
    error OrderSettlementOrderExists(bytes32 orderId);
    /// @notice The quote was not signed by a settler (`signer` is zero for a malformed signature).
    error OrderSettlementInvalidQuote(address signer);
    /// @notice The supplied description does not match what was stored for the order id.
    error OrderSettlementOrderMismatch(bytes32 orderId);
    /// @notice The order is not in a status that allows the operation.
    error OrderSettlementInvalidStatus(bytes32 orderId, OrderStatus status);
    /// @notice The token is not an allowed payment currency.
    error OrderSettlementCurrencyNotAllowed(address token);
    /// @notice The restaurant does not accept new orders.
    error OrderSettlementRestaurantInactive(uint256 restaurantId);
    /// @notice Only the order's customer may do this.
    error OrderSettlementNotCustomer(address caller, address customer);
    /// @notice Only the restaurant's owner or a settler may do this.
    error OrderSettlementNotOperator(address caller, uint256 restaurantId);
    /// @notice The amount is zero.
    error OrderSettlementZeroAmount();
    /// @notice The discount exceeds what the currency allows for this price.
    error OrderSettlementDiscountTooHigh(uint256 discount, uint256 maxDiscount);
    /// @notice `pointsRedeemed` does not equal `discount` × `pointsPerDiscountUnit`.
    error OrderSettlementInvalidRedemption(uint256 pointsRedeemed, uint256 expectedPoints);
    /// @notice `reclaimAfter` leaves the restaurant less than MIN_RECLAIM_DELAY to serve the order.
    error OrderSettlementReclaimTooSoon(uint48 reclaimAfter, uint256 earliest);
    /// @notice The order cannot be reclaimed before `reclaimAfter`.
    error OrderSettlementReclaimNotYet(uint48 reclaimAfter);
    /// @notice The contract received a different amount than it pulled (fee-on-transfer token).
    error OrderSettlementTransferMismatch(uint256 expected, uint256 received);
    /// @notice The refund reference is zero.
    error OrderSettlementInvalidRefundRef();
    /// @notice The refund exceeds the amount not yet refunded.
    error OrderSettlementRefundExceedsAmount(uint256 refund, uint256 remaining);
    /// @notice The refund reference was already recorded.
    error OrderSettlementRefundAlreadyRecorded(bytes32 refundRef);
    /// @notice An address argument is zero.
    error OrderSettlementZeroAddress();
    /// @notice The receipt digest is zero.
    error OrderSettlementEmptyReceipt();
    /// @notice The batch is empty.
    error OrderSettlementEmptyBatch();
    /// @notice A basis-point value exceeds 10 000 or a rate is zero where one is required (a
    /// discount or a reward needs a points price, `pointsPerDiscountUnit`).
    error OrderSettlementInvalidCurrencyConfig();

    /// @notice Place a quoted token order, pulling `price - discount` from the caller (an allowance
    /// must exist) and burning `pointsRedeemed` of the caller's loyalty tokens.
    /// @param quote A settler's EIP-712 signature of the order (see `quoteDigest`).
    function placeOrder(TokenOrder calldata order, bytes calldata quote) external;

    /// @notice Place a quoted token order, first applying the customer's EIP-2612 permit for the token.
    /// @dev If the permit fails (e.g. it was front-run and its nonce used), the existing allowance
    /// is used, so a front-runner cannot make the order fail.
    function placeOrderWithPermit(
        TokenOrder calldata order,
        bytes calldata quote,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Pay out an escrowed order to franchisee and treasury and mint the customer's rewards,
    /// capped by the platform fee paid (`OrderMath.cappedReward`).
    /// @dev Only the restaurant's current owner or a settler.
    function fulfill(TokenOrder calldata order, bytes32 receiptDigest) external;

    /// @notice Return an escrowed order's tokens and re-mint its redeemed points; the points repay
    /// the customer's loyalty debt first and only the rest is restored.
    /// @dev Only the restaurant's current owner or a settler; works while this contract or the
    /// loyalty token is paused.
    function refund(TokenOrder calldata order) external;

    /// @notice The customer takes an unfulfilled order back, from `reclaimAfter` on; points as in
    /// `refund`.
    /// @dev Works while this contract or the loyalty token is paused.
    function reclaim(TokenOrder calldata order) external;

    /// @notice Record one card payment and mint its rewards. Only settlers.
    /// @dev Reverts if the order id was used before.
    function settleCardPayment(
        bytes32 orderId,
        uint256 restaurantId,
        address customer,
        uint64 amount,
        bytes32 paymentRef,
        bytes32 receiptDigest
    ) external;

    /// @notice Record many card payments. Only settlers.
    /// @dev Entries whose order id was already used, by an earlier card record or a token order,
    /// are skipped (CardPaymentDuplicateSkipped), so a relayer may resend a batch after a crash; it
    /// must refund a card payment skipped for an id that a token order paid. Any other invalid
    /// entry reverts the batch.
    /// @return settled How many entries were recorded.
    function settleCardPayments(CardPayment[] calldata payments) external returns (uint256 settled);

    /// @notice Record a (partial) card refund and claw back the rewards pro rata. Only settlers.
    /// @dev `refundRef` (keccak256 of the processor's refund id) makes the call idempotent.
    /// Points the customer no longer holds (spent, or parked as the discount of an open token order)
    /// cannot be burned; the shortfall is reported in the event and added to the customer's loyalty
    /// debt (LoyaltyDebtRecorded), which points later coming back from escrow repay first.
    /// Works while this contract is paused; while the loyalty token is paused a refund that has
    /// points to burn reverts (EnforcedPause) and is to be retried after the unpause.
    function recordCardRefund(bytes32 orderId, uint64 amount, bytes32 refundRef) external;

    /// @notice Configure a payment currency. Only the default admin.
    function setCurrency(address token, Currency calldata config) external;

    /// @notice Set the loyalty reward per tetri of card payments. Only the default admin.
    function setCardRewardPerUnit(uint96 rate) external;

    /// @notice Set the platform treasury. Only the default admin.
    function setTreasury(address newTreasury) external;

    /// @notice Stop new orders, fulfilments and card records. Only PAUSER_ROLE.
    function pause() external;

    /// @notice Resume. Only PAUSER_ROLE.
    function unpause() external;

    /// @notice The stored state of an order id.
    function orderOf(bytes32 orderId) external view returns (OrderRecord memory);

    /// @notice The stored hash of a token order's description (zero for card orders).
    function tokenOrderHash(bytes32 orderId) external view returns (bytes32);

    /// @notice The hash under which a token order's description is stored.
    function hashTokenOrder(TokenOrder calldata order) external pure returns (bytes32);

    /// @notice The EIP-712 digest a settler signs to quote `order` (domain "Hot Pot Spot", version
    /// "1", this chain and contract; type `TokenOrder(bytes32 orderId,uint256 restaurantId,address
    /// customer,address token,uint96 price,uint96 discount,uint256 pointsRedeemed,uint48 reclaimAfter)`).
    function quoteDigest(TokenOrder calldata order) external view returns (bytes32);

    /// @notice The settings of a payment currency.
    function currencyOf(address token) external view returns (Currency memory);

    /// @notice Loyalty tokens (wei) minted per tetri of card payments, and the epoch of that rate.
    function cardRewardPerUnit() external view returns (uint96 rate, uint24 epoch);

    /// @notice The card reward rate of a past or current epoch.
    function cardRewardRateAt(uint24 epoch) external view returns (uint96);

    /// @notice Points `customer` owes: card-refund clawbacks not yet covered (see `recordCardRefund`).
    function loyaltyDebtOf(address customer) external view returns (uint256);

    /// @notice The platform treasury receiving fees.
    function treasury() external view returns (address);
}
