import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import OrderSettlementModule from "./OrderSettlement.ts";

/**
 * The whole platform for any network: every contract deployed and wired. Payment currencies
 * are configured afterwards by the admin (`setCurrency`) for the stable token of that network.
 */
export default buildModule("HotPotSpot", (m) => {
  return m.useModule(OrderSettlementModule);
});
