// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Franchise NFTs: one token per restaurant
/// @notice Token id = restaurant id. The owner of a token is the restaurant's franchisee and
/// receives its revenue. Every owner must hold a valid KYC attestation: minting and every transfer
/// check the recipient against the KYC registry.
/// @dev Warning: franchise admins register restaurants, set platform fees (bounded by
/// MAX_FEE_BPS), change metadata and (de)activate restaurants. Deactivation stops new orders,
/// never the payout of orders already placed.
/// @dev Warning: an owner whose attestation later expires or is revoked keeps the token (the chain
/// cannot act on its own) but cannot receive another one; off-chain policy handles the case.
interface IFranchiseNFT {
    /// @notice Public, per-restaurant settings.
    /// @param feeBps Platform fee in basis points of every settled order.
    /// @param active Whether the restaurant accepts new orders.
    struct Franchise {
        uint16 feeBps;
        bool active;
    }

    /// @notice A restaurant was registered and its franchise NFT minted to `owner`.
    event FranchiseRegistered(uint256 indexed restaurantId, address indexed owner, uint16 feeBps, string metadataURI);
    /// @notice The platform fee of a restaurant changed.
    event FranchiseFeeUpdated(uint256 indexed restaurantId, uint16 previousFeeBps, uint16 newFeeBps);
    /// @notice The metadata URI of a restaurant changed (ERC-4906 `MetadataUpdate` is emitted too).
    event FranchiseMetadataUpdated(uint256 indexed restaurantId, string metadataURI);
    /// @notice A restaurant was activated or deactivated.
    event FranchiseActiveSet(uint256 indexed restaurantId, bool active);
    /// @notice The KYC level required of franchise owners changed.
    event RequiredKycLevelUpdated(uint8 previousLevel, uint8 newLevel);

    /// @notice The recipient of a franchise lacks a valid attestation at the required level.
    error FranchiseNFTRecipientNotVerified(address recipient, uint8 requiredLevel);
    /// @notice The fee exceeds MAX_FEE_BPS.
    error FranchiseNFTFeeTooHigh(uint16 feeBps, uint16 maxFeeBps);
    /// @notice The metadata URI does not start with `ipfs://` or has no content after it.
    error FranchiseNFTInvalidMetadataURI(string metadataURI);
    /// @notice No franchise exists for the restaurant id.
    error FranchiseNFTUnknownRestaurant(uint256 restaurantId);
    /// @notice The restaurant id is 0, which is reserved as "no restaurant".
    error FranchiseNFTInvalidRestaurantId();
    /// @notice The required KYC level is 0.
    error FranchiseNFTInvalidKycLevel();

    /// @notice Register restaurant `restaurantId` and mint its NFT to the KYC-verified `owner`.
    /// @dev Only franchise admins. Reverts if the id exists, the owner is not verified, the fee is
    /// above MAX_FEE_BPS or the URI is not an `ipfs://` URI.
    function register(address owner, uint256 restaurantId, uint16 feeBps, string calldata metadataURI) external;

    /// @notice Set the platform fee of a restaurant. Only franchise admins.
    function setFee(uint256 restaurantId, uint16 feeBps) external;

    /// @notice Set the `ipfs://` metadata URI of a restaurant. Only franchise admins.
    function setMetadataURI(uint256 restaurantId, string calldata metadataURI) external;

    /// @notice Activate or deactivate a restaurant. Only franchise admins.
    function setActive(uint256 restaurantId, bool active) external;

    /// @notice Set the KYC level every franchise recipient must hold. Only the default admin.
    function setRequiredKycLevel(uint8 level) external;

    /// @notice Fee and active flag of a restaurant; reverts for unknown restaurants.
    function franchiseOf(uint256 restaurantId) external view returns (Franchise memory);

    /// @notice Owner, fee and active flag in one call (what settlement needs); reverts for unknown restaurants.
    function payoutInfo(uint256 restaurantId) external view returns (address owner, uint16 feeBps, bool active);

    /// @notice Whether the restaurant accepts new orders; false for unknown restaurants.
    /// @dev One storage read: the cheap check settlement makes on every order.
    function isActive(uint256 restaurantId) external view returns (bool);

    /// @notice The KYC level every franchise recipient must hold.
    function requiredKycLevel() external view returns (uint8);
}
