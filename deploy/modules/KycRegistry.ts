import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { ROLES } from "../roles.ts";

/** The KYC registry, with the officer who attests identities. */
export default buildModule("KycRegistry", (m) => {
  // The deployer administers: it must be, to wire the roles below. Hand DEFAULT_ADMIN_ROLE to a
  // multisig afterwards on public networks.
  const admin = m.getAccount(0);
  const kycOfficer = m.getParameter("kycOfficer", m.getAccount(4));

  const kycRegistry = m.contract("KycRegistry", [admin]);
  m.call(kycRegistry, "grantRole", [ROLES.KYC_OFFICER, kycOfficer], { id: "grantKycOfficer" });

  return { kycRegistry };
});
