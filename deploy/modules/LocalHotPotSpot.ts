import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { LOCAL_ACCOUNTS } from "../accounts.ts";

import HotPotSpotModule from "./HotPotSpot.ts";

/**
 * The platform plus a local stable token (TestGEL, 2 decimals = tetri) accepted for payment:
 * 1 HOTPOT per GEL paid, 100 HOTPOT buy 1 GEL of discount, at most half of a price.
 * Customers #5-#9 get 10,000 tGEL each. For the in-process network and `hardhat node` only.
 */
export default buildModule("LocalHotPotSpot", (m) => {
  const contracts = m.useModule(HotPotSpotModule);
  // The deployer administers: it must be, to wire the roles below. Hand DEFAULT_ADMIN_ROLE to a
  // multisig afterwards on public networks.
  const admin = m.getAccount(LOCAL_ACCOUNTS.admin);

  const testGel = m.contract("TestGEL", [admin]);
  m.call(contracts.orderSettlement, "setCurrency", [
    testGel,
    {
      allowed: true,
      maxDiscountBps: 5_000,
      rewardPerUnit: 10n ** 16n,
      pointsPerDiscountUnit: 10n ** 18n,
    },
  ]);

  // Customers #5-#9 start with 10,000 GEL each so orders can be placed right away.
  for (let account: number = LOCAL_ACCOUNTS.firstCustomer; account <= LOCAL_ACCOUNTS.lastCustomer; account++) {
    m.call(testGel, "mint", [m.getAccount(account), 1_000_000n], { id: `fundCustomer${account}` });
  }

  return { ...contracts, testGel };
});
