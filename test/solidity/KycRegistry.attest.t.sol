// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IKycRegistry} from "../../contracts/interfaces/IKycRegistry.sol";
import {KycRegistry} from "../../contracts/KycRegistry.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract KycRegistryAttestTest is BaseTest {
    uint64 internal expiry;

    function setUp() public override {
        super.setUp();
        expiry = uint64(block.timestamp + 30 days);
    }

    function test_constructor_grantsAdminOnly() public view {
        assertTrue(kyc.hasRole(DEFAULT_ADMIN_ROLE, admin), "admin is default admin");
        assertTrue(kyc.hasRole(KYC_OFFICER_ROLE, kycOfficer), "officer granted by the module");
        assertFalse(kyc.hasRole(KYC_OFFICER_ROLE, admin), "admin is not an officer");
        assertEq(kyc.KYC_OFFICER_ROLE(), keccak256("KYC_OFFICER_ROLE"), "role id");
    }

    function test_attest_storesAttestation() public {
        vm.prank(kycOfficer);
        kyc.attest(alice, 3, expiry, EVIDENCE);

        IKycRegistry.Attestation memory a = kyc.attestationOf(alice);
        assertEq(a.level, 3, "level");
        assertEq(a.expiresAt, expiry, "expiresAt");
        assertEq(a.evidenceHash, EVIDENCE, "evidenceHash");
    }

    function test_attest_emitsKycAttested() public {
        vm.expectEmit(true, true, true, true, address(kyc));
        emit IKycRegistry.KycAttested(alice, 2, expiry, EVIDENCE, kycOfficer);
        vm.prank(kycOfficer);
        kyc.attest(alice, 2, expiry, EVIDENCE);
    }

    function test_attest_replacesEarlierAttestation() public {
        vm.startPrank(kycOfficer);
        kyc.attest(alice, 3, expiry, EVIDENCE);
        bytes32 newEvidence = keccak256("renewed id card");
        kyc.attest(alice, 1, expiry + 1 days, newEvidence);
        vm.stopPrank();

        IKycRegistry.Attestation memory a = kyc.attestationOf(alice);
        assertEq(a.level, 1, "level lowered by replacement");
        assertEq(a.expiresAt, expiry + 1 days, "expiry replaced");
        assertEq(a.evidenceHash, newEvidence, "evidence replaced");
        assertFalse(kyc.isVerified(alice, 2), "no longer level 2");
    }

    function test_attest_revertsWhenNotOfficer() public {
        vm.expectRevert(_unauthorized(mallory, KYC_OFFICER_ROLE));
        vm.prank(mallory);
        kyc.attest(alice, 2, expiry, EVIDENCE);
    }

    function test_attest_revertsForAdminWithoutOfficerRole() public {
        vm.expectRevert(_unauthorized(admin, KYC_OFFICER_ROLE));
        vm.prank(admin);
        kyc.attest(alice, 2, expiry, EVIDENCE);
    }

    function test_attest_revertsWhenZeroAccount() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.KycRegistryZeroAccount.selector));
        vm.prank(kycOfficer);
        kyc.attest(address(0), 2, expiry, EVIDENCE);
    }

    function test_attest_revertsWhenLevelZero() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.KycRegistryInvalidLevel.selector, uint8(0)));
        vm.prank(kycOfficer);
        kyc.attest(alice, 0, expiry, EVIDENCE);
    }

    function test_attest_revertsWhenExpiryIsNow() public {
        uint64 nowTs = uint64(block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(IKycRegistry.KycRegistryExpiryNotInFuture.selector, nowTs, block.timestamp)
        );
        vm.prank(kycOfficer);
        kyc.attest(alice, 2, nowTs, EVIDENCE);
    }

    function test_attest_revertsWhenExpiryInPast() public {
        vm.warp(1_700_000_000);
        uint64 past = 1_600_000_000;
        vm.expectRevert(
            abi.encodeWithSelector(IKycRegistry.KycRegistryExpiryNotInFuture.selector, past, uint256(1_700_000_000))
        );
        vm.prank(kycOfficer);
        kyc.attest(alice, 2, past, EVIDENCE);
    }

    function test_attest_revertsWhenEvidenceEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(IKycRegistry.KycRegistryEmptyEvidence.selector));
        vm.prank(kycOfficer);
        kyc.attest(alice, 2, expiry, bytes32(0));
    }

    function test_attest_grantedOfficerCanAttest_revokedCannot() public {
        vm.prank(admin);
        kyc.grantRole(KYC_OFFICER_ROLE, bob);
        vm.prank(bob);
        kyc.attest(alice, 2, expiry, EVIDENCE);
        assertTrue(kyc.isVerified(alice, 2), "attested by the new officer");

        vm.prank(admin);
        kyc.revokeRole(KYC_OFFICER_ROLE, bob);
        vm.expectRevert(_unauthorized(bob, KYC_OFFICER_ROLE));
        vm.prank(bob);
        kyc.attest(alice, 3, expiry, EVIDENCE);
    }

    // ─── isVerified ──────────────────────────────────────────────────────────────────────────

    function test_isVerified_falseWithoutAttestation() public view {
        assertFalse(kyc.isVerified(alice, 0), "minLevel 0");
        assertFalse(kyc.isVerified(alice, 1), "minLevel 1");
        IKycRegistry.Attestation memory a = kyc.attestationOf(alice);
        assertEq(a.level, 0, "empty level");
        assertEq(a.expiresAt, 0, "empty expiry");
        assertEq(a.evidenceHash, bytes32(0), "empty evidence");
    }

    function test_isVerified_minLevelZeroMeansOne() public {
        vm.prank(kycOfficer);
        kyc.attest(alice, 1, expiry, EVIDENCE);
        assertTrue(kyc.isVerified(alice, 0), "level 1 satisfies minLevel 0");
        assertTrue(kyc.isVerified(alice, 1), "level 1 satisfies minLevel 1");
        assertFalse(kyc.isVerified(alice, 2), "level 1 does not satisfy 2");
    }

    function test_isVerified_falseFromExpiry() public {
        vm.prank(kycOfficer);
        kyc.attest(alice, 2, expiry, EVIDENCE);
        vm.warp(expiry - 1);
        assertTrue(kyc.isVerified(alice, 2), "valid one second before expiry");
        vm.warp(expiry);
        assertFalse(kyc.isVerified(alice, 2), "expired at expiresAt");
        assertEq(kyc.attestationOf(alice).level, 2, "expired attestation is still stored");
    }

    function testFuzz_isVerified_matchesLevelAndExpiry(
        uint8 level,
        uint8 minLevel,
        uint64 validFor,
        uint64 elapsed
    ) public {
        level = uint8(bound(level, 1, type(uint8).max));
        validFor = uint64(bound(validFor, 1, 100 * 365 days));
        elapsed = uint64(bound(elapsed, 0, 200 * 365 days));
        uint64 expiresAt = uint64(block.timestamp) + validFor;

        vm.prank(kycOfficer);
        kyc.attest(alice, level, expiresAt, EVIDENCE);
        vm.warp(block.timestamp + elapsed);

        uint8 required = minLevel == 0 ? 1 : minLevel;
        bool expected = level >= required && expiresAt > block.timestamp;
        assertEq(kyc.isVerified(alice, minLevel), expected, "isVerified");
    }

    function testFuzz_attest_revertsForAnyNonOfficer(address caller) public {
        vm.assume(caller != kycOfficer);
        vm.expectRevert(_unauthorized(caller, KYC_OFFICER_ROLE));
        vm.prank(caller);
        kyc.attest(alice, 2, expiry, EVIDENCE);
    }

    function test_supportsInterface_accessControl() public view {
        assertTrue(kyc.supportsInterface(0x7965db0b), "IAccessControl");
        assertTrue(kyc.supportsInterface(0x01ffc9a7), "IERC165");
    }

    function test_deployNew_adminIsConstructorArgument() public {
        KycRegistry other = new KycRegistry(bob);
        assertTrue(other.hasRole(DEFAULT_ADMIN_ROLE, bob), "bob admin");
        assertFalse(other.hasRole(DEFAULT_ADMIN_ROLE, address(this)), "deployer not admin");
    }
}
