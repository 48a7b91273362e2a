// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IKycRegistry} from "../../contracts/interfaces/IKycRegistry.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract KycRegistryRevokeTest is BaseTest {
    bytes32 internal constant REASON = keccak256("document forged");

    function setUp() public override {
        super.setUp();
        _verify(alice, 2);
    }

    function test_revoke_deletesAttestation() public {
        vm.prank(kycOfficer);
        kyc.revoke(alice, REASON);

        IKycRegistry.Attestation memory a = kyc.attestationOf(alice);
        assertEq(a.level, 0, "level cleared");
        assertEq(a.expiresAt, 0, "expiry cleared");
        assertEq(a.evidenceHash, bytes32(0), "evidence cleared");
        assertFalse(kyc.isVerified(alice, 1), "no longer verified");
    }

    function test_revoke_emitsKycRevoked() public {
        vm.expectEmit(true, true, true, true, address(kyc));
        emit IKycRegistry.KycRevoked(alice, REASON, kycOfficer);
        vm.prank(kycOfficer);
        kyc.revoke(alice, REASON);
    }

    function test_revoke_worksOnExpiredAttestation() public {
        vm.warp(block.timestamp + KYC_VALIDITY + 1);
        assertFalse(kyc.isVerified(alice, 1), "expired");
        vm.prank(kycOfficer);
        kyc.revoke(alice, REASON);
        assertEq(kyc.attestationOf(alice).level, 0, "cleared");
    }

    function test_revoke_acceptsZeroReason() public {
        vm.prank(kycOfficer);
        kyc.revoke(alice, bytes32(0));
        assertEq(kyc.attestationOf(alice).level, 0, "cleared");
    }

    function test_revoke_revertsWhenNotAttested() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.KycRegistryNotAttested.selector, bob));
        vm.prank(kycOfficer);
        kyc.revoke(bob, REASON);
    }

    function test_revoke_revertsWhenRevokedTwice() public {
        vm.startPrank(kycOfficer);
        kyc.revoke(alice, REASON);
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.KycRegistryNotAttested.selector, alice));
        kyc.revoke(alice, REASON);
        vm.stopPrank();
    }

    function test_revoke_revertsWhenNotOfficer() public {
        vm.expectRevert(_unauthorized(mallory, KYC_OFFICER_ROLE));
        vm.prank(mallory);
        kyc.revoke(alice, REASON);
    }

    function test_revoke_thenReattest() public {
        vm.prank(kycOfficer);
        kyc.revoke(alice, REASON);
        _verify(alice, 3);
        assertTrue(kyc.isVerified(alice, 3), "re-attested");
    }

    function test_revoke_franchiseOwnerKeepsTokenButCannotReceiveAnother() public {
        vm.prank(kycOfficer);
        kyc.revoke(franchisee, REASON);
        assertEq(franchise.ownerOf(RESTAURANT_ID), franchisee, "keeps the token");

        vm.expectRevert(
            abi.encodeWithSignature("FranchiseNFTRecipientNotVerified(address,uint8)", franchisee, REQUIRED_KYC_LEVEL)
        );
        vm.prank(franchiseAdmin);
        franchise.register(franchisee, 2, 0, RESTAURANT_URI);
    }

    function testFuzz_revoke_anyAttestedAccount(address account, uint8 level, bytes32 reason) public {
        vm.assume(account != address(0));
        level = uint8(bound(level, 1, type(uint8).max));
        vm.prank(kycOfficer);
        kyc.attest(account, level, uint64(block.timestamp + 1), EVIDENCE);

        vm.expectEmit(true, true, true, true, address(kyc));
        emit IKycRegistry.KycRevoked(account, reason, kycOfficer);
        vm.prank(kycOfficer);
        kyc.revoke(account, reason);
        assertFalse(kyc.isVerified(account, 0), "revoked");
    }
}
