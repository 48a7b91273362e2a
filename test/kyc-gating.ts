import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";

import { ACCOUNT, DAY, deployPlatform, evidence, FRANCHISE_KYC_LEVEL, YEAR } from "./helpers/platform.ts";

// Franchise ownership follows the chain's KYC answer: minting and every transfer need a verified recipient.
describe("KYC gating of franchise ownership", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;

  async function platformFixture() {
    return deployPlatform(connection);
  }

  it("refuses to mint a franchise to an unverified or under-verified owner", async () => {
    const platform = await networkHelpers.loadFixture(platformFixture);
    const owner = platform.wallet(ACCOUNT.franchisee).account.address;

    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.franchiseNFT.write.register([owner, 1n, 1_000, "ipfs://bafkreione"], platform.asSigner.franchiseAdmin),
      platform.franchiseNFT,
      "FranchiseNFTRecipientNotVerified",
      [owner, FRANCHISE_KYC_LEVEL],
    );

    await platform.verify(owner, 1);
    await viem.assertions.revertWithCustomError(
      platform.franchiseNFT.write.register([owner, 1n, 1_000, "ipfs://bafkreione"], platform.asSigner.franchiseAdmin),
      platform.franchiseNFT,
      "FranchiseNFTRecipientNotVerified",
    );

    await platform.verify(owner, 2);
    await platform.franchiseNFT.write.register(
      [owner, 1n, 1_000, "ipfs://bafkreione"],
      platform.asSigner.franchiseAdmin,
    );
    assert.equal(await platform.franchiseNFT.read.balanceOf([owner]), 1n);
  });

  it("lets a franchise move only to a verified buyer, and pays the new owner from then on", async () => {
    const platform = await networkHelpers.loadFixture(platformFixture);
    const seller = platform.wallet(ACCOUNT.franchisee);
    const buyer = platform.wallet(ACCOUNT.franchisee2).account.address;
    await platform.openRestaurant(3n, seller.account.address);

    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.franchiseNFT.write.transferFrom([seller.account.address, buyer, 3n], { account: seller.account }),
      platform.franchiseNFT,
      "FranchiseNFTRecipientNotVerified",
      [buyer, FRANCHISE_KYC_LEVEL],
    );

    await platform.verify(buyer);
    await platform.franchiseNFT.write.transferFrom([seller.account.address, buyer, 3n], { account: seller.account });
    const [owner] = await platform.franchiseNFT.read.payoutInfo([3n]);
    assert.equal(owner.toLowerCase(), buyer.toLowerCase());
  });

  it("stops counting an attestation once it expires or is revoked", async () => {
    const platform = await networkHelpers.loadFixture(platformFixture);
    const person = platform.wallet(ACCOUNT.franchisee2).account.address;
    const now = BigInt(await networkHelpers.time.latest());
    await platform.kycRegistry.write.attest([person, 3, now + DAY, evidence("short")], platform.asSigner.kycOfficer);
    assert.equal(await platform.kycRegistry.read.isVerified([person, 3]), true);
    assert.equal(await platform.kycRegistry.read.isVerified([person, 4]), false);

    await networkHelpers.time.increase(DAY);
    assert.equal(await platform.kycRegistry.read.isVerified([person, 1]), false);

    await platform.kycRegistry.write.attest([person, 2, now + YEAR, evidence("renewed")], platform.asSigner.kycOfficer);
    assert.equal(await platform.kycRegistry.read.isVerified([person, 2]), true);
    await viem.assertions.emit(
      platform.kycRegistry.write.revoke([person, evidence("fraud")], platform.asSigner.kycOfficer),
      platform.kycRegistry,
      "KycRevoked",
    );
    assert.equal(await platform.kycRegistry.read.isVerified([person, 1]), false);
    const attestation = await platform.kycRegistry.read.attestationOf([person]);
    assert.equal(attestation.level, 0);
  });

  it("lets only KYC officers attest and revoke", async () => {
    const platform = await networkHelpers.loadFixture(platformFixture);
    const stranger = platform.wallet(ACCOUNT.stranger);
    const now = BigInt(await networkHelpers.time.latest());
    await viem.assertions.revertWithCustomError(
      platform.kycRegistry.write.attest([stranger.account.address, 2, now + YEAR, evidence("self")], {
        account: stranger.account,
      }),
      platform.kycRegistry,
      "AccessControlUnauthorizedAccount",
    );
  });
});
