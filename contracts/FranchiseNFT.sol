// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

import {IFranchiseNFT} from "./interfaces/IFranchiseNFT.sol";
import {IKycRegistry} from "./interfaces/IKycRegistry.sol";

/// @title FranchiseNFT
/// @notice See {IFranchiseNFT}.
contract FranchiseNFT is IFranchiseNFT, IERC4906, ERC721, AccessControl {
    /// @notice Role of the platform staff who register restaurants and manage their settings.
    bytes32 public constant FRANCHISE_ADMIN_ROLE = keccak256("FRANCHISE_ADMIN_ROLE");
    /// @notice Highest platform fee: half of every order.
    uint16 public constant MAX_FEE_BPS = 5_000;

    bytes4 private constant _ERC4906_INTERFACE_ID = 0x49064906;

    /// @notice The registry every franchise recipient is checked against.
    IKycRegistry public immutable KYC_REGISTRY;

    uint8 private _requiredKycLevel;
    mapping(uint256 restaurantId => Franchise) private _franchises;
    mapping(uint256 restaurantId => string) private _metadataURIs;

    constructor(address admin, IKycRegistry kycRegistry, uint8 requiredLevel) ERC721("Hot Pot Spot Franchise", "HPSF") {
        if (requiredLevel == 0) revert FranchiseNFTInvalidKycLevel();
        KYC_REGISTRY = kycRegistry;
        _requiredKycLevel = requiredLevel;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ─── Administration ──────────────────────────────────────────────────────────────────────

    /// @inheritdoc IFranchiseNFT
    function register(
        address owner,
        uint256 restaurantId,
        uint16 feeBps,
        string calldata metadataURI
    ) external onlyRole(FRANCHISE_ADMIN_ROLE) {
        if (restaurantId == 0) revert FranchiseNFTInvalidRestaurantId();
        _checkFee(feeBps);
        _checkMetadataURI(metadataURI);

        _franchises[restaurantId] = Franchise({feeBps: feeBps, active: true});
        _metadataURIs[restaurantId] = metadataURI;
        // _safeMint would let a contract owner refuse the token; franchise owners are KYC'd
        // people or their custody wallets, and the KYC check in _update is what matters.
        _mint(owner, restaurantId);
        emit FranchiseRegistered(restaurantId, owner, feeBps, metadataURI);
    }

    /// @inheritdoc IFranchiseNFT
    function setFee(uint256 restaurantId, uint16 feeBps) external onlyRole(FRANCHISE_ADMIN_ROLE) {
        _requireKnown(restaurantId);
        _checkFee(feeBps);

        uint16 previous = _franchises[restaurantId].feeBps;
        _franchises[restaurantId].feeBps = feeBps;
        emit FranchiseFeeUpdated(restaurantId, previous, feeBps);
    }

    /// @inheritdoc IFranchiseNFT
    function setMetadataURI(uint256 restaurantId, string calldata metadataURI) external onlyRole(FRANCHISE_ADMIN_ROLE) {
        _requireKnown(restaurantId);
        _checkMetadataURI(metadataURI);

        _metadataURIs[restaurantId] = metadataURI;
        emit FranchiseMetadataUpdated(restaurantId, metadataURI);
        emit MetadataUpdate(restaurantId);
    }

    /// @inheritdoc IFranchiseNFT
    function setActive(uint256 restaurantId, bool active) external onlyRole(FRANCHISE_ADMIN_ROLE) {
        _requireKnown(restaurantId);

        _franchises[restaurantId].active = active;
        emit FranchiseActiveSet(restaurantId, active);
    }

    /// @inheritdoc IFranchiseNFT
    function setRequiredKycLevel(uint8 level) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (level == 0) revert FranchiseNFTInvalidKycLevel();

        uint8 previous = _requiredKycLevel;
        _requiredKycLevel = level;
        emit RequiredKycLevelUpdated(previous, level);
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IFranchiseNFT
    function franchiseOf(uint256 restaurantId) external view returns (Franchise memory) {
        _requireKnown(restaurantId);
        return _franchises[restaurantId];
    }

    /// @inheritdoc IFranchiseNFT
    function payoutInfo(uint256 restaurantId) external view returns (address owner, uint16 feeBps, bool active) {
        owner = _requireKnown(restaurantId);
        Franchise storage franchise = _franchises[restaurantId];
        return (owner, franchise.feeBps, franchise.active);
    }

    /// @inheritdoc IFranchiseNFT
    function isActive(uint256 restaurantId) external view returns (bool) {
        // Only register() sets `active`, and tokens are never burned: active implies registered.
        return _franchises[restaurantId].active;
    }

    /// @inheritdoc IFranchiseNFT
    function requiredKycLevel() external view returns (uint8) {
        return _requiredKycLevel;
    }

    /// @notice The `ipfs://` metadata URI of a restaurant.
    function tokenURI(uint256 restaurantId) public view override returns (string memory) {
        _requireOwned(restaurantId);
        return _metadataURIs[restaurantId];
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, AccessControl, IERC165) returns (bool) {
        return interfaceId == _ERC4906_INTERFACE_ID || super.supportsInterface(interfaceId);
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────────

    /// @dev The single place where ownership changes: every recipient (mint or transfer) must be
    /// KYC-verified at the required level. Burning is not offered, so `to` is never zero here.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        uint8 level = _requiredKycLevel;
        if (!KYC_REGISTRY.isVerified(to, level)) revert FranchiseNFTRecipientNotVerified(to, level);
        return super._update(to, tokenId, auth);
    }

    function _requireKnown(uint256 restaurantId) private view returns (address owner) {
        owner = _ownerOf(restaurantId);
        if (owner == address(0)) revert FranchiseNFTUnknownRestaurant(restaurantId);
    }

    function _checkFee(uint16 feeBps) private pure {
        if (feeBps > MAX_FEE_BPS) revert FranchiseNFTFeeTooHigh(feeBps, MAX_FEE_BPS);
    }

    function _checkMetadataURI(string calldata metadataURI) private pure {
        bytes calldata uri = bytes(metadataURI);
        // "ipfs://" is 7 bytes; a URI must name some content after it.
        if (uri.length <= 7 || bytes7(uri[:7]) != bytes7("ipfs://")) revert FranchiseNFTInvalidMetadataURI(metadataURI);
    }
}
