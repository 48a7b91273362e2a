// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {FranchiseNFT} from "../../contracts/FranchiseNFT.sol";
import {IFranchiseNFT} from "../../contracts/interfaces/IFranchiseNFT.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract FranchiseNFTRegisterTest is BaseTest {
    uint256 internal constant NEW_ID = 42;
    string internal constant URI = "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

    function test_constructor_setsRegistryLevelAndAdmin() public view {
        assertEq(address(franchise.KYC_REGISTRY()), address(kyc), "registry");
        assertEq(franchise.requiredKycLevel(), REQUIRED_KYC_LEVEL, "required level");
        assertEq(franchise.MAX_FEE_BPS(), 5_000, "max fee");
        assertEq(franchise.name(), "Hot Pot Spot Franchise", "name");
        assertEq(franchise.symbol(), "HPSF", "symbol");
        assertTrue(franchise.hasRole(DEFAULT_ADMIN_ROLE, admin), "admin");
        assertTrue(franchise.hasRole(FRANCHISE_ADMIN_ROLE, franchiseAdmin), "franchise admin");
        assertEq(franchise.FRANCHISE_ADMIN_ROLE(), FRANCHISE_ADMIN_ROLE, "role id");
    }

    function test_constructor_revertsWhenLevelZero() public {
        vm.expectRevert(abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTInvalidKycLevel.selector));
        new FranchiseNFT(admin, kyc, 0);
    }

    function test_register_mintsAndStoresSettings() public {
        _register(franchisee2, NEW_ID, 2_500);

        assertEq(franchise.ownerOf(NEW_ID), franchisee2, "owner");
        assertEq(franchise.balanceOf(franchisee2), 1, "balance");
        assertEq(franchise.tokenURI(NEW_ID), RESTAURANT_URI, "uri");
        IFranchiseNFT.Franchise memory f = franchise.franchiseOf(NEW_ID);
        assertEq(f.feeBps, 2_500, "fee");
        assertTrue(f.active, "active on registration");
        (address owner, uint16 feeBps, bool active) = franchise.payoutInfo(NEW_ID);
        assertEq(owner, franchisee2, "payout owner");
        assertEq(feeBps, 2_500, "payout fee");
        assertTrue(active, "payout active");
    }

    function test_register_emitsTransferAndFranchiseRegistered() public {
        vm.expectEmit(true, true, true, true, address(franchise));
        emit IERC721.Transfer(address(0), franchisee2, NEW_ID);
        vm.expectEmit(true, true, true, true, address(franchise));
        emit IFranchiseNFT.FranchiseRegistered(NEW_ID, franchisee2, 300, URI);
        vm.prank(franchiseAdmin);
        franchise.register(franchisee2, NEW_ID, 300, URI);
    }

    function test_register_acceptsMaxFeeAndZeroFee() public {
        _register(franchisee2, NEW_ID, 5_000);
        _register(franchisee2, NEW_ID + 1, 0);
        assertEq(franchise.franchiseOf(NEW_ID).feeBps, 5_000, "max fee");
        assertEq(franchise.franchiseOf(NEW_ID + 1).feeBps, 0, "zero fee");
        assertEq(franchise.balanceOf(franchisee2), 2, "one owner, two restaurants");
    }

    function test_register_acceptsShortestValidURI() public {
        vm.prank(franchiseAdmin);
        franchise.register(franchisee2, NEW_ID, 0, "ipfs://x");
        assertEq(franchise.tokenURI(NEW_ID), "ipfs://x", "uri");
    }

    function test_register_revertsWhenNotFranchiseAdmin() public {
        vm.expectRevert(_unauthorized(admin, FRANCHISE_ADMIN_ROLE));
        vm.prank(admin);
        franchise.register(franchisee2, NEW_ID, 0, URI);
    }

    function test_register_revertsWhenRestaurantIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTInvalidRestaurantId.selector));
        vm.prank(franchiseAdmin);
        franchise.register(franchisee2, 0, 0, URI);
    }

    function test_register_revertsWhenFeeTooHigh() public {
        vm.expectRevert(
            abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTFeeTooHigh.selector, uint16(5_001), uint16(5_000))
        );
        vm.prank(franchiseAdmin);
        franchise.register(franchisee2, NEW_ID, 5_001, URI);
    }

    function test_register_revertsWhenURIEmpty() public {
        _expectRegisterInvalidURI("");
    }

    function test_register_revertsWhenURIIsOnlyScheme() public {
        _expectRegisterInvalidURI("ipfs://");
    }

    function test_register_revertsWhenURIHasOtherScheme() public {
        _expectRegisterInvalidURI("https://ipfs.io/ipfs/bafy");
    }

    function test_register_revertsWhenURISchemeMalformed() public {
        _expectRegisterInvalidURI("ipfs:/bafybeigdyrzt5");
    }

    function test_register_revertsWhenURISchemeUppercase() public {
        _expectRegisterInvalidURI("IPFS://bafybeigdyrzt5");
    }

    function _expectRegisterInvalidURI(string memory uri) internal {
        vm.expectRevert(abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTInvalidMetadataURI.selector, uri));
        vm.prank(franchiseAdmin);
        franchise.register(franchisee2, NEW_ID, 0, uri);
    }

    function test_register_revertsWhenOwnerNotAttested() public {
        vm.expectRevert(
            abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTRecipientNotVerified.selector, alice, REQUIRED_KYC_LEVEL)
        );
        vm.prank(franchiseAdmin);
        franchise.register(alice, NEW_ID, 0, URI);
    }

    function test_register_revertsWhenOwnerLevelTooLow() public {
        _verify(alice, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTRecipientNotVerified.selector, alice, REQUIRED_KYC_LEVEL)
        );
        vm.prank(franchiseAdmin);
        franchise.register(alice, NEW_ID, 0, URI);
    }

    function test_register_revertsWhenOwnerAttestationExpired() public {
        _verify(alice, 2);
        vm.warp(block.timestamp + KYC_VALIDITY);
        vm.expectRevert(
            abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTRecipientNotVerified.selector, alice, REQUIRED_KYC_LEVEL)
        );
        vm.prank(franchiseAdmin);
        franchise.register(alice, NEW_ID, 0, URI);
    }

    function test_register_revertsWhenOwnerZero() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidReceiver.selector, address(0)));
        vm.prank(franchiseAdmin);
        franchise.register(address(0), NEW_ID, 0, URI);
    }

    function test_register_revertsWhenIdExists() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidSender.selector, address(0)));
        vm.prank(franchiseAdmin);
        franchise.register(franchisee2, RESTAURANT_ID, 4_000, URI);

        // Nothing of the failed registration stuck.
        assertEq(franchise.ownerOf(RESTAURANT_ID), franchisee, "owner unchanged");
        assertEq(franchise.franchiseOf(RESTAURANT_ID).feeBps, RESTAURANT_FEE_BPS, "fee unchanged");
        assertEq(franchise.tokenURI(RESTAURANT_ID), RESTAURANT_URI, "uri unchanged");
    }

    function test_register_usesCurrentRequiredLevel() public {
        _verify(alice, 1);
        vm.prank(admin);
        franchise.setRequiredKycLevel(1);
        vm.prank(franchiseAdmin);
        franchise.register(alice, NEW_ID, 0, URI);
        assertEq(franchise.ownerOf(NEW_ID), alice, "level 1 suffices after the change");
    }

    function testFuzz_register_feeBound(uint16 feeBps) public {
        if (feeBps > 5_000) {
            vm.expectRevert(
                abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTFeeTooHigh.selector, feeBps, uint16(5_000))
            );
        }
        vm.prank(franchiseAdmin);
        franchise.register(franchisee2, NEW_ID, feeBps, URI);
        if (feeBps <= 5_000) assertEq(franchise.franchiseOf(NEW_ID).feeBps, feeBps, "fee stored");
    }

    function testFuzz_register_uriNeedsIpfsSchemeAndContent(string memory suffix, bool withScheme) public {
        string memory uri = withScheme ? string.concat("ipfs://", suffix) : suffix;
        bytes memory raw = bytes(uri);
        bool valid =
            raw.length > 7 &&
                raw[0] == "i" &&
                raw[1] == "p" &&
                raw[2] == "f" &&
                raw[3] == "s" &&
                raw[4] == ":" &&
                raw[5] == "/" &&
                raw[6] == "/";
        if (!valid) {
            vm.expectRevert(abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTInvalidMetadataURI.selector, uri));
        }
        vm.prank(franchiseAdmin);
        franchise.register(franchisee2, NEW_ID, 0, uri);
        if (valid) assertEq(franchise.tokenURI(NEW_ID), uri, "uri stored");
    }
}
