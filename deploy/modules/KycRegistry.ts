import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { LOCAL_ACCOUNTS } from "../accounts.ts";

import { ROLES } from "../roles.ts";

/** The KYC registry, with the officer who attests identities. */
export default buildModule("KycRegistry", (m) => {
  // The deployer administers: it must be, to wire the roles below. Hand DEFAULT_ADMIN_ROLE to a
  // multisig afterwards on public networks.
  const admin = m.getAccount(LOCAL_ACCOUNTS.admin);
  const kycOfficer = m.getParameter("kycOfficer", m.getAccount(LOCAL_ACCOUNTS.kycOfficer));

  const kycRegistry = m.contract("KycRegistry", [admin]);
  m.call(kycRegistry, "grantRole", [ROLES.KYC_OFFICER, kycOfficer], { id: "grantKycOfficer" });

  return { kycRegistry };
});
