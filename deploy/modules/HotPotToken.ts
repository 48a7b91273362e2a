import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { LOCAL_ACCOUNTS } from "../accounts.ts";

import { ROLES } from "../roles.ts";

/** The loyalty token, with the account allowed to pause it. Minting is wired by OrderSettlement. */
export default buildModule("HotPotToken", (m) => {
  // The deployer administers: it must be, to wire the roles below. Hand DEFAULT_ADMIN_ROLE to a
  // multisig afterwards on public networks.
  const admin = m.getAccount(LOCAL_ACCOUNTS.admin);
  const pauser = m.getParameter("pauser", m.getAccount(LOCAL_ACCOUNTS.admin));

  const hotPotToken = m.contract("HotPotToken", [admin]);
  m.call(hotPotToken, "grantRole", [ROLES.PAUSER, pauser], { id: "grantTokenPauser" });

  return { hotPotToken };
});
