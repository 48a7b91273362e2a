// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {IFranchiseNFT} from "../../contracts/interfaces/IFranchiseNFT.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract FranchiseNFTAdminTest is BaseTest {
    uint256 internal constant UNKNOWN_ID = 777;
    string internal constant NEW_URI = "ipfs://bafkreiem4twkqzsq2aj4shbycd4yvoj2cx72vezicletlhi7dijjciqpui";

    function _unknown(uint256 id) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTUnknownRestaurant.selector, id);
    }

    // ─── setFee ──────────────────────────────────────────────────────────────────────────────

    function test_setFee_updatesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(franchise));
        emit IFranchiseNFT.FranchiseFeeUpdated(RESTAURANT_ID, RESTAURANT_FEE_BPS, 4_200);
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, 4_200);
        assertEq(franchise.franchiseOf(RESTAURANT_ID).feeBps, 4_200, "fee");
    }

    function test_setFee_revertsWhenTooHigh() public {
        vm.expectRevert(
            abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTFeeTooHigh.selector, uint16(10_000), uint16(5_000))
        );
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, 10_000);
    }

    function test_setFee_revertsWhenUnknown() public {
        vm.expectRevert(_unknown(UNKNOWN_ID));
        vm.prank(franchiseAdmin);
        franchise.setFee(UNKNOWN_ID, 100);
    }

    function test_setFee_revertsWhenNotFranchiseAdmin() public {
        vm.expectRevert(_unauthorized(franchisee, FRANCHISE_ADMIN_ROLE));
        vm.prank(franchisee);
        franchise.setFee(RESTAURANT_ID, 0);
    }

    // ─── setMetadataURI ──────────────────────────────────────────────────────────────────────

    function test_setMetadataURI_updatesAndEmitsBothEvents() public {
        vm.expectEmit(true, true, true, true, address(franchise));
        emit IFranchiseNFT.FranchiseMetadataUpdated(RESTAURANT_ID, NEW_URI);
        vm.expectEmit(true, true, true, true, address(franchise));
        emit IERC4906.MetadataUpdate(RESTAURANT_ID);
        vm.prank(franchiseAdmin);
        franchise.setMetadataURI(RESTAURANT_ID, NEW_URI);
        assertEq(franchise.tokenURI(RESTAURANT_ID), NEW_URI, "uri");
    }

    function test_setMetadataURI_revertsWhenInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTInvalidMetadataURI.selector, "ar://abc"));
        vm.prank(franchiseAdmin);
        franchise.setMetadataURI(RESTAURANT_ID, "ar://abc");
    }

    function test_setMetadataURI_revertsWhenUnknown() public {
        vm.expectRevert(_unknown(UNKNOWN_ID));
        vm.prank(franchiseAdmin);
        franchise.setMetadataURI(UNKNOWN_ID, NEW_URI);
    }

    function test_setMetadataURI_revertsWhenNotFranchiseAdmin() public {
        vm.expectRevert(_unauthorized(mallory, FRANCHISE_ADMIN_ROLE));
        vm.prank(mallory);
        franchise.setMetadataURI(RESTAURANT_ID, NEW_URI);
    }

    // ─── setActive ───────────────────────────────────────────────────────────────────────────

    function test_setActive_deactivatesAndReactivates() public {
        vm.expectEmit(true, true, true, true, address(franchise));
        emit IFranchiseNFT.FranchiseActiveSet(RESTAURANT_ID, false);
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        assertFalse(franchise.franchiseOf(RESTAURANT_ID).active, "inactive");
        (, , bool active) = franchise.payoutInfo(RESTAURANT_ID);
        assertFalse(active, "payoutInfo inactive");

        vm.expectEmit(true, true, true, true, address(franchise));
        emit IFranchiseNFT.FranchiseActiveSet(RESTAURANT_ID, true);
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, true);
        assertTrue(franchise.franchiseOf(RESTAURANT_ID).active, "active again");
        assertEq(franchise.franchiseOf(RESTAURANT_ID).feeBps, RESTAURANT_FEE_BPS, "fee kept");
    }

    function test_setActive_revertsWhenUnknown() public {
        vm.expectRevert(_unknown(UNKNOWN_ID));
        vm.prank(franchiseAdmin);
        franchise.setActive(UNKNOWN_ID, false);
    }

    function test_setActive_revertsWhenNotFranchiseAdmin() public {
        vm.expectRevert(_unauthorized(admin, FRANCHISE_ADMIN_ROLE));
        vm.prank(admin);
        franchise.setActive(RESTAURANT_ID, false);
    }

    // ─── setRequiredKycLevel ─────────────────────────────────────────────────────────────────

    function test_setRequiredKycLevel_updatesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(franchise));
        emit IFranchiseNFT.RequiredKycLevelUpdated(REQUIRED_KYC_LEVEL, 4);
        vm.prank(admin);
        franchise.setRequiredKycLevel(4);
        assertEq(franchise.requiredKycLevel(), 4, "level");
    }

    function test_setRequiredKycLevel_revertsWhenZero() public {
        vm.expectRevert(abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTInvalidKycLevel.selector));
        vm.prank(admin);
        franchise.setRequiredKycLevel(0);
    }

    function test_setRequiredKycLevel_revertsForFranchiseAdmin() public {
        vm.expectRevert(_unauthorized(franchiseAdmin, DEFAULT_ADMIN_ROLE));
        vm.prank(franchiseAdmin);
        franchise.setRequiredKycLevel(3);
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────

    function test_franchiseOf_revertsWhenUnknown() public {
        vm.expectRevert(_unknown(UNKNOWN_ID));
        franchise.franchiseOf(UNKNOWN_ID);
    }

    function test_payoutInfo_revertsWhenUnknown() public {
        vm.expectRevert(_unknown(0));
        franchise.payoutInfo(0);
    }

    function test_isActive_followsSetActive() public {
        assertTrue(franchise.isActive(RESTAURANT_ID), "active on registration");
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, false);
        assertFalse(franchise.isActive(RESTAURANT_ID), "deactivated");
        (, , bool active) = franchise.payoutInfo(RESTAURANT_ID);
        assertEq(franchise.isActive(RESTAURANT_ID), active, "agrees with payoutInfo");
        vm.prank(franchiseAdmin);
        franchise.setActive(RESTAURANT_ID, true);
        assertTrue(franchise.isActive(RESTAURANT_ID), "reactivated");
    }

    function test_isActive_falseForUnknownWithoutReverting() public view {
        // Unlike franchiseOf and payoutInfo, unknown ids are simply not active.
        assertFalse(franchise.isActive(0), "id 0 is never registered");
        assertFalse(franchise.isActive(UNKNOWN_ID), "unknown id");
        assertFalse(franchise.isActive(type(uint256).max), "largest id");
    }

    function test_isActive_staysWithRestaurantAcrossTransfer() public {
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);
        assertTrue(franchise.isActive(RESTAURANT_ID), "a transfer keeps the restaurant open");
    }

    function testFuzz_isActive_onlyRegisteredAndActive(uint256 id, bool active) public {
        vm.assume(id != RESTAURANT_ID && id != 0);
        assertFalse(franchise.isActive(id), "unknown: inactive");
        _register(franchisee2, id, 0);
        assertTrue(franchise.isActive(id), "registered: active");
        vm.prank(franchiseAdmin);
        franchise.setActive(id, active);
        assertEq(franchise.isActive(id), active, "as set");
        assertEq(franchise.isActive(id), franchise.franchiseOf(id).active, "agrees with franchiseOf");
    }

    function test_tokenURI_revertsWhenUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, UNKNOWN_ID));
        franchise.tokenURI(UNKNOWN_ID);
    }

    function test_supportsInterface() public view {
        assertTrue(franchise.supportsInterface(0x49064906), "ERC-4906");
        assertTrue(franchise.supportsInterface(0x80ac58cd), "ERC-721");
        assertTrue(franchise.supportsInterface(0x5b5e139f), "ERC-721 metadata");
        assertTrue(franchise.supportsInterface(0x7965db0b), "IAccessControl");
        assertTrue(franchise.supportsInterface(0x01ffc9a7), "ERC-165");
        assertFalse(franchise.supportsInterface(0xffffffff), "invalid id");
    }

    function testFuzz_setFee_boundedByMax(uint16 feeBps) public {
        if (feeBps > 5_000) {
            vm.expectRevert(
                abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTFeeTooHigh.selector, feeBps, uint16(5_000))
            );
        }
        vm.prank(franchiseAdmin);
        franchise.setFee(RESTAURANT_ID, feeBps);
        uint16 expected = feeBps > 5_000 ? RESTAURANT_FEE_BPS : feeBps;
        assertEq(franchise.franchiseOf(RESTAURANT_ID).feeBps, expected, "fee");
    }
}
