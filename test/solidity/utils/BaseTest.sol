// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "./LeanTest.sol";

import {FranchiseNFT} from "../../../contracts/FranchiseNFT.sol";
import {HotPotToken} from "../../../contracts/HotPotToken.sol";
import {KycRegistry} from "../../../contracts/KycRegistry.sol";
import {OrderSettlement} from "../../../contracts/OrderSettlement.sol";
import {IOrderSettlement} from "../../../contracts/interfaces/IOrderSettlement.sol";
import {TestGEL} from "../../../contracts/test/TestGEL.sol";

/// @notice Shared fixture: the whole platform deployed and wired exactly like the Ignition
/// modules in deploy/modules (KycRegistry → FranchiseNFT(level 2) → HotPotToken →
/// OrderSettlement → LocalHotPotSpot's TestGEL currency), with named actors instead of
/// account indexes, plus one registered restaurant owned by a KYC'd franchisee.
abstract contract BaseTest is Test {
    // ─── Roles (as deploy/roles.ts computes them) ────────────────────────────────────────────
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;
    bytes32 internal constant KYC_OFFICER_ROLE = keccak256("KYC_OFFICER_ROLE");
    bytes32 internal constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 internal constant REDEEMER_ROLE = keccak256("REDEEMER_ROLE");
    bytes32 internal constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 internal constant FRANCHISE_ADMIN_ROLE = keccak256("FRANCHISE_ADMIN_ROLE");
    bytes32 internal constant SETTLER_ROLE = keccak256("SETTLER_ROLE");

    // ─── Deployment parameters (defaults of the Ignition modules) ────────────────────────────
    uint8 internal constant REQUIRED_KYC_LEVEL = 2;
    uint96 internal constant CARD_REWARD_PER_TETRI = 1e16;
    uint16 internal constant MAX_DISCOUNT_BPS = 5_000;
    uint96 internal constant REWARD_PER_UNIT = 1e16;
    uint96 internal constant POINTS_PER_DISCOUNT_UNIT = 1e18;

    uint256 internal constant RESTAURANT_ID = 1;
    uint16 internal constant RESTAURANT_FEE_BPS = 1_000;
    string internal constant RESTAURANT_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
    uint64 internal constant KYC_VALIDITY = 365 days;
    bytes32 internal constant EVIDENCE = keccak256("encrypted passport scan");
    /// @dev A receipt JSON, as the API pins it to IPFS (one raw block).
    string internal constant RECEIPT_JSON = '{"order":"example","total":"25.00 GEL"}';
    /// @dev sha2-256 of RECEIPT_JSON: what settlement stores (the digest inside its CIDv1 `bafkrei…`).
    bytes32 internal constant RECEIPT = 0x3e23b016cce9b4db84bec0bdb58af1d035cc8321b5c6c30ac2d48d4685f9b833;

    // ─── Actors ──────────────────────────────────────────────────────────────────────────────
    address internal admin;
    address internal treasury;
    address internal settler;
    /// @dev The settler signs quotes (EIP-712) as well as sending transactions.
    uint256 internal settlerKey;
    address internal franchiseAdmin;
    address internal kycOfficer;
    address internal pauser;
    address internal franchisee;
    address internal franchisee2;
    address internal alice;
    uint256 internal aliceKey;
    address internal bob;
    uint256 internal bobKey;
    address internal mallory;

    // ─── Contracts ───────────────────────────────────────────────────────────────────────────
    KycRegistry internal kyc;
    FranchiseNFT internal franchise;
    HotPotToken internal hotPot;
    OrderSettlement internal settlement;
    TestGEL internal gel;

    function setUp() public virtual {
        admin = makeAddr("admin");
        treasury = makeAddr("treasury");
        (settler, settlerKey) = makeAddrAndKey("settler");
        franchiseAdmin = makeAddr("franchiseAdmin");
        kycOfficer = makeAddr("kycOfficer");
        pauser = makeAddr("pauser");
        franchisee = makeAddr("franchisee");
        franchisee2 = makeAddr("franchisee2");
        (alice, aliceKey) = makeAddrAndKey("alice");
        (bob, bobKey) = makeAddrAndKey("bob");
        mallory = makeAddr("mallory");

        vm.startPrank(admin);
        // KycRegistry module
        kyc = new KycRegistry(admin);
        kyc.grantRole(KYC_OFFICER_ROLE, kycOfficer);
        // FranchiseNFT module
        franchise = new FranchiseNFT(admin, kyc, REQUIRED_KYC_LEVEL);
        franchise.grantRole(FRANCHISE_ADMIN_ROLE, franchiseAdmin);
        // HotPotToken module
        hotPot = new HotPotToken(admin);
        hotPot.grantRole(PAUSER_ROLE, pauser);
        // OrderSettlement module
        settlement = new OrderSettlement(admin, franchise, hotPot, treasury, CARD_REWARD_PER_TETRI);
        hotPot.grantRole(MINTER_ROLE, address(settlement));
        hotPot.grantRole(REDEEMER_ROLE, address(settlement));
        settlement.grantRole(SETTLER_ROLE, settler);
        settlement.grantRole(PAUSER_ROLE, pauser);
        // LocalHotPotSpot module
        gel = new TestGEL(admin);
        settlement.setCurrency(address(gel), _gelConfig());
        vm.stopPrank();

        vm.label(address(kyc), "KycRegistry");
        vm.label(address(franchise), "FranchiseNFT");
        vm.label(address(hotPot), "HotPotToken");
        vm.label(address(settlement), "OrderSettlement");
        vm.label(address(gel), "TestGEL");

        _verify(franchisee, REQUIRED_KYC_LEVEL);
        _verify(franchisee2, REQUIRED_KYC_LEVEL);
        _register(franchisee, RESTAURANT_ID, RESTAURANT_FEE_BPS);
    }

    // ─── Fixture helpers ─────────────────────────────────────────────────────────────────────

    function _gelConfig() internal pure returns (IOrderSettlement.Currency memory) {
        return
            IOrderSettlement.Currency({
                allowed: true,
                maxDiscountBps: MAX_DISCOUNT_BPS,
                rewardPerUnit: REWARD_PER_UNIT,
                pointsPerDiscountUnit: POINTS_PER_DISCOUNT_UNIT
            });
    }

    function _verify(address account, uint8 level) internal {
        vm.prank(kycOfficer);
        kyc.attest(account, level, uint64(block.timestamp) + KYC_VALIDITY, EVIDENCE);
    }

    function _register(address owner, uint256 restaurantId, uint16 feeBps) internal {
        vm.prank(franchiseAdmin);
        franchise.register(owner, restaurantId, feeBps, RESTAURANT_URI);
    }

    /// @dev Mints tGEL to `account` and approves the settlement contract for all of it.
    function _fund(address account, uint256 amount) internal {
        vm.prank(admin);
        gel.mint(account, amount);
        vm.prank(account);
        gel.approve(address(settlement), type(uint256).max);
    }

    /// @dev Loyalty points as only the settlement contract can mint them.
    function _givePoints(address account, uint256 amount) internal {
        vm.prank(address(settlement));
        hotPot.mint(account, amount);
    }

    function _order(
        bytes32 orderId,
        address customer,
        uint96 price,
        uint96 discount
    ) internal view returns (IOrderSettlement.TokenOrder memory) {
        return
            IOrderSettlement.TokenOrder({
                orderId: orderId,
                restaurantId: RESTAURANT_ID,
                customer: customer,
                token: address(gel),
                price: price,
                discount: discount,
                pointsRedeemed: uint256(discount) * POINTS_PER_DISCOUNT_UNIT,
                reclaimAfter: uint48(block.timestamp + 1 days)
            });
    }

    /// @dev The platform's quote for `order`: the settler's EIP-712 signature over `quoteDigest`.
    function _quote(IOrderSettlement.TokenOrder memory order) internal view returns (bytes memory) {
        return _quoteBy(settlerKey, order);
    }

    /// @dev A quote for `order` signed with `key` (a settler's or anyone else's).
    function _quoteBy(uint256 key, IOrderSettlement.TokenOrder memory order) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, settlement.quoteDigest(order));
        return abi.encodePacked(r, s, v);
    }

    /// @dev The address a 65-byte quote recovers to for `signed`: what InvalidQuote reports.
    function _recovered(IOrderSettlement.TokenOrder memory signed, bytes memory quote) internal view returns (address) {
        (bytes32 r, bytes32 s, uint8 v) = _split(quote);
        return ecrecover(settlement.quoteDigest(signed), v, r, s);
    }

    function _split(bytes memory quote) internal pure returns (bytes32 r, bytes32 s, uint8 v) {
        assertEq(quote.length, 65, "r, s, v");
        assembly ("memory-safe") {
            r := mload(add(quote, 0x20))
            s := mload(add(quote, 0x40))
            v := byte(0, mload(add(quote, 0x60)))
        }
    }

    function _invalidQuote(address signer) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IOrderSettlement.OrderSettlementInvalidQuote.selector, signer);
    }

    /// @dev Places a quoted order as its customer (who must already hold tokens, allowance and points).
    function _placeQuoted(IOrderSettlement.TokenOrder memory order) internal {
        bytes memory quote = _quote(order);
        vm.prank(order.customer);
        settlement.placeOrder(order, quote);
    }

    /// @dev Funds the customer (tokens and points) and places the quoted order as the customer.
    function _placeFunded(IOrderSettlement.TokenOrder memory order) internal {
        _fund(order.customer, order.price - order.discount);
        if (order.pointsRedeemed != 0) _givePoints(order.customer, order.pointsRedeemed);
        _placeQuoted(order);
    }

    /// @dev Alice's 100 GEL order with 10 GEL paid in points, placed and escrowed.
    function _placeDefault(bytes32 orderId) internal returns (IOrderSettlement.TokenOrder memory order) {
        order = _order(orderId, alice, 10_000, 1_000);
        _placeFunded(order);
    }

    function _settleCard(bytes32 orderId, address customer, uint64 amount) internal {
        vm.prank(settler);
        settlement.settleCardPayment(
            orderId,
            RESTAURANT_ID,
            customer,
            amount,
            keccak256(abi.encode("pi", orderId)),
            RECEIPT
        );
    }

    function _status(bytes32 orderId) internal view returns (IOrderSettlement.OrderStatus) {
        return settlement.orderOf(orderId).status;
    }

    function _assertStatus(bytes32 orderId, IOrderSettlement.OrderStatus expected) internal view {
        assertEq(uint8(_status(orderId)), uint8(expected), "order status");
    }

    /// @dev An EIP-2612 permit for TestGEL signed by `key`, letting the settlement contract spend `value`.
    function _signGelPermit(
        uint256 key,
        address owner,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(settlement),
                value,
                nonce,
                deadline
            )
        );
        (v, r, s) = vm.sign(key, keccak256(abi.encodePacked("\x19\x01", gel.DOMAIN_SEPARATOR(), structHash)));
    }

    function _unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSignature("AccessControlUnauthorizedAccount(address,bytes32)", account, role);
    }
}
