import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { LOCAL_ACCOUNTS } from "../accounts.ts";

import { ROLES } from "../roles.ts";
import FranchiseNFTModule from "./FranchiseNFT.ts";
import HotPotTokenModule from "./HotPotToken.ts";

/** 1 HOTPOT (1e18 wei) per GEL spent by card is 1e16 per tetri. */
const DEFAULT_CARD_REWARD_PER_TETRI = 10n ** 16n;

/**
 * Order settlement, wired: it may mint and redeem loyalty tokens, the settler (the API's relayer)
 * records card payments, the pauser can stop it and fees go to the treasury.
 */
export default buildModule("OrderSettlement", (m) => {
  const { kycRegistry, franchiseNFT } = m.useModule(FranchiseNFTModule);
  const { hotPotToken } = m.useModule(HotPotTokenModule);
  // The deployer administers: it must be, to wire the roles below. Hand DEFAULT_ADMIN_ROLE to a
  // multisig afterwards on public networks.
  const admin = m.getAccount(LOCAL_ACCOUNTS.admin);
  const treasury = m.getParameter("treasury", m.getAccount(LOCAL_ACCOUNTS.treasury));
  const settler = m.getParameter("settler", m.getAccount(LOCAL_ACCOUNTS.settler));
  const pauser = m.getParameter("pauser", m.getAccount(LOCAL_ACCOUNTS.admin));
  const cardRewardPerUnit = m.getParameter("cardRewardPerUnit", DEFAULT_CARD_REWARD_PER_TETRI);

  const orderSettlement = m.contract("OrderSettlement", [
    admin,
    franchiseNFT,
    hotPotToken,
    treasury,
    cardRewardPerUnit,
  ]);
  m.call(hotPotToken, "grantRole", [ROLES.MINTER, orderSettlement], { id: "grantSettlementMinter" });
  m.call(hotPotToken, "grantRole", [ROLES.REDEEMER, orderSettlement], { id: "grantSettlementRedeemer" });
  m.call(orderSettlement, "grantRole", [ROLES.SETTLER, settler], { id: "grantSettler" });
  m.call(orderSettlement, "grantRole", [ROLES.PAUSER, pauser], { id: "grantSettlementPauser" });

  return { kycRegistry, franchiseNFT, hotPotToken, orderSettlement };
});
