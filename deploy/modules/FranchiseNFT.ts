import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { LOCAL_ACCOUNTS } from "../accounts.ts";

import { ROLES } from "../roles.ts";
import KycRegistryModule from "./KycRegistry.ts";

/** Franchise NFTs, checked against the KYC registry, with the admin who registers restaurants. */
export default buildModule("FranchiseNFT", (m) => {
  const { kycRegistry } = m.useModule(KycRegistryModule);
  // The deployer administers: it must be, to wire the roles below. Hand DEFAULT_ADMIN_ROLE to a
  // multisig afterwards on public networks.
  const admin = m.getAccount(LOCAL_ACCOUNTS.admin);
  const franchiseAdmin = m.getParameter("franchiseAdmin", m.getAccount(LOCAL_ACCOUNTS.franchiseAdmin));
  const requiredKycLevel = m.getParameter("requiredKycLevel", 2);

  const franchiseNFT = m.contract("FranchiseNFT", [admin, kycRegistry, requiredKycLevel]);
  m.call(franchiseNFT, "grantRole", [ROLES.FRANCHISE_ADMIN, franchiseAdmin], { id: "grantFranchiseAdmin" });

  return { kycRegistry, franchiseNFT };
});
