// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {IFranchiseNFT} from "../../contracts/interfaces/IFranchiseNFT.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract FranchiseNFTTransferTest is BaseTest {
    function _notVerified(address recipient) internal pure returns (bytes memory) {
        return
            abi.encodeWithSelector(
                IFranchiseNFT.FranchiseNFTRecipientNotVerified.selector,
                recipient,
                REQUIRED_KYC_LEVEL
            );
    }

    function test_transferFrom_toVerifiedRecipient() public {
        vm.expectEmit(true, true, true, true, address(franchise));
        emit IERC721.Transfer(franchisee, franchisee2, RESTAURANT_ID);
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);

        assertEq(franchise.ownerOf(RESTAURANT_ID), franchisee2, "new owner");
        (address owner, , ) = franchise.payoutInfo(RESTAURANT_ID);
        assertEq(owner, franchisee2, "payouts follow the token");
        // Settings belong to the restaurant, not the owner.
        assertEq(franchise.franchiseOf(RESTAURANT_ID).feeBps, RESTAURANT_FEE_BPS, "fee unchanged");
    }

    function test_safeTransferFrom_toVerifiedRecipient() public {
        vm.prank(franchisee);
        franchise.safeTransferFrom(franchisee, franchisee2, RESTAURANT_ID);
        assertEq(franchise.ownerOf(RESTAURANT_ID), franchisee2, "new owner");
    }

    function test_transferFrom_revertsToUnverifiedRecipient() public {
        vm.expectRevert(_notVerified(alice));
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, alice, RESTAURANT_ID);
    }

    function test_safeTransferFrom_revertsToUnverifiedRecipient() public {
        vm.expectRevert(_notVerified(alice));
        vm.prank(franchisee);
        franchise.safeTransferFrom(franchisee, alice, RESTAURANT_ID, "");
    }

    function test_transferFrom_revertsToLevelOneRecipient() public {
        _verify(alice, 1);
        vm.expectRevert(_notVerified(alice));
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, alice, RESTAURANT_ID);
    }

    function test_transferFrom_revertsToExpiredRecipient() public {
        _verify(alice, 3);
        vm.warp(block.timestamp + KYC_VALIDITY + 1);
        // Re-attest the sender so only the recipient's expiry matters.
        _verify(franchisee, 2);
        vm.expectRevert(_notVerified(alice));
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, alice, RESTAURANT_ID);
    }

    function test_transferFrom_revertsToRevokedRecipient() public {
        vm.prank(kycOfficer);
        kyc.revoke(franchisee2, keccak256("sanctions hit"));
        vm.expectRevert(_notVerified(franchisee2));
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);
    }

    function test_transferFrom_ownerWithExpiredKycCanStillSendToVerified() public {
        vm.warp(block.timestamp + KYC_VALIDITY + 1);
        _verify(franchisee2, 2);
        assertFalse(kyc.isVerified(franchisee, 2), "sender expired");
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);
        assertEq(franchise.ownerOf(RESTAURANT_ID), franchisee2, "only the recipient is checked");
    }

    function test_transferFrom_byApprovedOperator() public {
        vm.prank(franchisee);
        franchise.approve(bob, RESTAURANT_ID);
        vm.prank(bob);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);
        assertEq(franchise.ownerOf(RESTAURANT_ID), franchisee2, "moved by operator");
    }

    function test_transferFrom_byOperatorForAll() public {
        vm.prank(franchisee);
        franchise.setApprovalForAll(bob, true);
        vm.prank(bob);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);
        assertEq(franchise.ownerOf(RESTAURANT_ID), franchisee2, "moved by operator");
    }

    function test_transferFrom_revertsWhenNotApproved() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC721Errors.ERC721InsufficientApproval.selector, mallory, RESTAURANT_ID)
        );
        vm.prank(mallory);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);
    }

    function test_transferFrom_revertsWhenWrongFrom() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC721Errors.ERC721IncorrectOwner.selector, franchisee2, RESTAURANT_ID, franchisee)
        );
        vm.prank(franchisee);
        franchise.transferFrom(franchisee2, franchisee2, RESTAURANT_ID);
    }

    function test_transferFrom_revertsToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidReceiver.selector, address(0)));
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, address(0), RESTAURANT_ID);
    }

    function test_transferFrom_revertsForUnknownToken() public {
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 99));
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, franchisee2, 99);
    }

    function test_transferFrom_requiredLevelRaisedBlocksLevelTwo() public {
        vm.prank(admin);
        franchise.setRequiredKycLevel(3);
        vm.expectRevert(
            abi.encodeWithSelector(IFranchiseNFT.FranchiseNFTRecipientNotVerified.selector, franchisee2, uint8(3))
        );
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);

        _verify(franchisee2, 3);
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, franchisee2, RESTAURANT_ID);
        assertEq(franchise.ownerOf(RESTAURANT_ID), franchisee2, "level 3 recipient accepted");
    }

    function testFuzz_transferFrom_recipientLevel(uint8 level) public {
        level = uint8(bound(level, 1, type(uint8).max));
        _verify(alice, level);
        if (level < REQUIRED_KYC_LEVEL) vm.expectRevert(_notVerified(alice));
        vm.prank(franchisee);
        franchise.transferFrom(franchisee, alice, RESTAURANT_ID);
        if (level >= REQUIRED_KYC_LEVEL) assertEq(franchise.ownerOf(RESTAURANT_ID), alice, "moved");
    }
}
