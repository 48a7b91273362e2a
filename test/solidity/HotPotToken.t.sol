// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {HotPotToken} from "../../contracts/HotPotToken.sol";
import {IHotPotToken} from "../../contracts/interfaces/IHotPotToken.sol";

import {BaseTest} from "./utils/BaseTest.sol";

contract HotPotTokenTest is BaseTest {
    bytes32 internal constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    function test_metadata() public view {
        assertEq(hotPot.name(), "HotPot Loyalty", "name");
        assertEq(hotPot.symbol(), "HOTPOT", "symbol");
        assertEq(hotPot.decimals(), 18, "decimals");
        assertEq(hotPot.totalSupply(), 0, "no supply at deployment");
        assertEq(hotPot.MINTER_ROLE(), MINTER_ROLE, "minter role id");
        assertEq(hotPot.REDEEMER_ROLE(), REDEEMER_ROLE, "redeemer role id");
        assertEq(hotPot.PAUSER_ROLE(), PAUSER_ROLE, "pauser role id");
    }

    function test_roles_wiredLikeTheDeployModules() public view {
        assertTrue(hotPot.hasRole(DEFAULT_ADMIN_ROLE, admin), "admin");
        assertTrue(hotPot.hasRole(MINTER_ROLE, address(settlement)), "settlement mints");
        assertTrue(hotPot.hasRole(REDEEMER_ROLE, address(settlement)), "settlement redeems");
        assertTrue(hotPot.hasRole(PAUSER_ROLE, pauser), "pauser");
        assertFalse(hotPot.hasRole(MINTER_ROLE, settler), "settler cannot mint directly");
        assertFalse(hotPot.hasRole(MINTER_ROLE, admin), "admin cannot mint directly");
    }

    // ─── mint ────────────────────────────────────────────────────────────────────────────────

    function test_mint_byMinter() public {
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IERC20.Transfer(address(0), alice, 5e18);
        vm.prank(address(settlement));
        hotPot.mint(alice, 5e18);
        assertEq(hotPot.balanceOf(alice), 5e18, "balance");
        assertEq(hotPot.totalSupply(), 5e18, "supply");
    }

    function test_mint_revertsWhenNotMinter() public {
        vm.expectRevert(_unauthorized(admin, MINTER_ROLE));
        vm.prank(admin);
        hotPot.mint(alice, 1);
    }

    function test_mint_revertsToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(address(settlement));
        hotPot.mint(address(0), 1);
    }

    // ─── redeem ──────────────────────────────────────────────────────────────────────────────

    function test_redeem_burnsWithoutAllowance() public {
        _givePoints(alice, 10e18);
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IERC20.Transfer(alice, address(0), 4e18);
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IHotPotToken.LoyaltyRedeemed(alice, 4e18, address(settlement));
        vm.prank(address(settlement));
        hotPot.redeem(alice, 4e18);
        assertEq(hotPot.balanceOf(alice), 6e18, "balance");
        assertEq(hotPot.totalSupply(), 6e18, "supply");
        assertEq(hotPot.allowance(alice, address(settlement)), 0, "no allowance used");
    }

    function test_redeem_revertsWhenNotRedeemer() public {
        _givePoints(alice, 1e18);
        vm.expectRevert(_unauthorized(settler, REDEEMER_ROLE));
        vm.prank(settler);
        hotPot.redeem(alice, 1e18);
    }

    function test_redeem_revertsWhenBalanceTooLow() public {
        _givePoints(alice, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 1e18, 2e18));
        vm.prank(address(settlement));
        hotPot.redeem(alice, 2e18);
    }

    // ─── burn / burnFrom ─────────────────────────────────────────────────────────────────────

    function test_burn_ownTokens() public {
        _givePoints(alice, 3e18);
        vm.prank(alice);
        hotPot.burn(1e18);
        assertEq(hotPot.balanceOf(alice), 2e18, "balance");
        assertEq(hotPot.totalSupply(), 2e18, "supply");
    }

    function test_burn_revertsWhenBalanceTooLow() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 0, 1));
        vm.prank(alice);
        hotPot.burn(1);
    }

    function test_burnFrom_needsAllowance() public {
        _givePoints(alice, 3e18);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 0, 1e18));
        vm.prank(bob);
        hotPot.burnFrom(alice, 1e18);

        vm.prank(alice);
        hotPot.approve(bob, 1e18);
        vm.prank(bob);
        hotPot.burnFrom(alice, 1e18);
        assertEq(hotPot.balanceOf(alice), 2e18, "burned with allowance");
    }

    // ─── pause ───────────────────────────────────────────────────────────────────────────────

    function test_pause_blocksTransferMintBurnRedeem() public {
        _givePoints(alice, 10e18);
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit Pausable.Paused(pauser);
        vm.prank(pauser);
        hotPot.pause();
        assertTrue(hotPot.paused(), "paused");

        bytes memory enforced = abi.encodeWithSelector(Pausable.EnforcedPause.selector);

        vm.expectRevert(enforced);
        vm.prank(alice);
        hotPot.transfer(bob, 1);

        vm.expectRevert(enforced);
        vm.prank(address(settlement));
        hotPot.mint(alice, 1);

        vm.expectRevert(enforced);
        vm.prank(address(settlement));
        hotPot.redeem(alice, 1);

        vm.expectRevert(enforced);
        vm.prank(alice);
        hotPot.burn(1);

        // Approvals do not move balances and still work.
        vm.prank(alice);
        hotPot.approve(bob, 1);
        assertEq(hotPot.allowance(alice, bob), 1, "approve while paused");
    }

    // ─── restore (settlement gives escrowed points back, even while paused) ──────────────────

    function test_restore_byMinter() public {
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit IERC20.Transfer(address(0), alice, 7e18);
        vm.prank(address(settlement));
        hotPot.restore(alice, 7e18);
        assertEq(hotPot.balanceOf(alice), 7e18, "balance");
        assertEq(hotPot.totalSupply(), 7e18, "supply");
    }

    function test_restore_worksWhilePausedAndLeavesThePauseInForce() public {
        _givePoints(alice, 10e18);
        vm.prank(pauser);
        hotPot.pause();

        vm.prank(address(settlement));
        hotPot.restore(alice, 3e18);
        assertEq(hotPot.balanceOf(alice), 13e18, "restored while paused");

        // Only the restore got through: mints, transfers and burns stay blocked.
        bytes memory enforced = abi.encodeWithSelector(Pausable.EnforcedPause.selector);
        vm.expectRevert(enforced);
        vm.prank(address(settlement));
        hotPot.mint(alice, 1);
        vm.expectRevert(enforced);
        vm.prank(alice);
        hotPot.transfer(bob, 1);
        vm.expectRevert(enforced);
        vm.prank(address(settlement));
        hotPot.redeem(alice, 1);
    }

    function test_restore_revertsWhenNotMinter() public {
        vm.expectRevert(_unauthorized(mallory, MINTER_ROLE));
        vm.prank(mallory);
        hotPot.restore(mallory, 1);
        vm.prank(pauser);
        hotPot.pause();
        vm.expectRevert(_unauthorized(pauser, MINTER_ROLE));
        vm.prank(pauser);
        hotPot.restore(pauser, 1);
    }

    function test_restore_revertsToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(address(settlement));
        hotPot.restore(address(0), 1);
    }

    function test_unpause_resumesTransfers() public {
        _givePoints(alice, 10e18);
        vm.prank(pauser);
        hotPot.pause();
        vm.expectEmit(true, true, true, true, address(hotPot));
        emit Pausable.Unpaused(pauser);
        vm.prank(pauser);
        hotPot.unpause();

        vm.prank(alice);
        hotPot.transfer(bob, 1e18);
        assertEq(hotPot.balanceOf(bob), 1e18, "transfer after unpause");
    }

    function test_pause_revertsWhenNotPauser() public {
        vm.expectRevert(_unauthorized(admin, PAUSER_ROLE));
        vm.prank(admin);
        hotPot.pause();
    }

    function test_unpause_revertsWhenNotPauser() public {
        vm.prank(pauser);
        hotPot.pause();
        vm.expectRevert(_unauthorized(mallory, PAUSER_ROLE));
        vm.prank(mallory);
        hotPot.unpause();
    }

    function test_pause_revertsWhenAlreadyPaused() public {
        vm.startPrank(pauser);
        hotPot.pause();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        hotPot.pause();
        vm.stopPrank();
    }

    function test_unpause_revertsWhenNotPaused() public {
        vm.expectRevert(abi.encodeWithSelector(Pausable.ExpectedPause.selector));
        vm.prank(pauser);
        hotPot.unpause();
    }

    // ─── permit (EIP-2612) ───────────────────────────────────────────────────────────────────

    function _signPermit(
        uint256 key,
        address owner,
        address spender,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", hotPot.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(key, digest);
    }

    function test_permit_setsAllowance() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(aliceKey, alice, bob, 7e18, 0, deadline);
        hotPot.permit(alice, bob, 7e18, deadline, v, r, s);
        assertEq(hotPot.allowance(alice, bob), 7e18, "allowance");
        assertEq(hotPot.nonces(alice), 1, "nonce used");
    }

    function test_permit_revertsWhenExpired() public {
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(aliceKey, alice, bob, 1, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        hotPot.permit(alice, bob, 1, deadline, v, r, s);
    }

    function test_permit_revertsWhenSignedByAnotherKey() public {
        uint256 deadline = block.timestamp + 1;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(bobKey, alice, bob, 1, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, bob, alice));
        hotPot.permit(alice, bob, 1, deadline, v, r, s);
    }

    function test_permit_domainSeparatorUsesTokenName() public view {
        bytes32 expected = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("HotPot Loyalty"),
                keccak256("1"),
                block.chainid,
                address(hotPot)
            )
        );
        assertEq(hotPot.DOMAIN_SEPARATOR(), expected, "domain separator");
    }

    // ─── fuzz ────────────────────────────────────────────────────────────────────────────────

    function testFuzz_mintRedeemBurn_supplyAccounting(uint256 minted, uint256 redeemed, uint256 burned) public {
        minted = bound(minted, 0, type(uint128).max);
        redeemed = bound(redeemed, 0, minted);
        burned = bound(burned, 0, minted - redeemed);

        _givePoints(alice, minted);
        vm.prank(address(settlement));
        hotPot.redeem(alice, redeemed);
        vm.prank(alice);
        hotPot.burn(burned);

        assertEq(hotPot.totalSupply(), minted - redeemed - burned, "supply");
        assertEq(hotPot.balanceOf(alice), minted - redeemed - burned, "balance");
    }

    function testFuzz_mint_revertsForAnyNonMinter(address caller) public {
        vm.assume(caller != address(settlement));
        vm.expectRevert(_unauthorized(caller, MINTER_ROLE));
        vm.prank(caller);
        hotPot.mint(caller, 1);
    }

    function test_supportsInterface() public view {
        assertTrue(hotPot.supportsInterface(0x7965db0b), "IAccessControl");
        assertFalse(hotPot.supportsInterface(0xffffffff), "invalid id");
    }

    function test_deployNew_noRolesButAdmin() public {
        HotPotToken other = new HotPotToken(bob);
        assertTrue(other.hasRole(DEFAULT_ADMIN_ROLE, bob), "admin");
        assertFalse(other.hasRole(MINTER_ROLE, bob), "no minter by default");
    }
}
