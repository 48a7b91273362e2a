import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { ROLES } from "../roles.ts";

/** The loyalty token, with the account allowed to pause it. Minting is wired by OrderSettlement. */
export default buildModule("HotPotToken", (m) => {
  // The deployer administers: it must be, to wire the roles below. Hand DEFAULT_ADMIN_ROLE to a
  // multisig afterwards on public networks.
  const admin = m.getAccount(0);
  const pauser = m.getParameter("pauser", m.getAccount(0));

  const hotPotToken = m.contract("HotPotToken", [admin]);
  m.call(hotPotToken, "grantRole", [ROLES.PAUSER, pauser], { id: "grantTokenPauser" });

  return { hotPotToken };
});
