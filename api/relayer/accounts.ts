/**
 * The relayer's signing accounts from the settings: the keys in the environment, or on the local
 * chain Hardhat's default accounts (#2 settler, #3 franchise admin, #4 KYC officer).
 */
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import type { Config } from "../../lib/config.ts";
import { ConfigError } from "../../lib/errors.ts";

import type { RelayerAccounts } from "./index.ts";

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The relayer's signers: from the environment, or Hardhat's settler and franchise admin on the local chain. */
export function relayerAccounts(settings: Config["relayer"], localChain: boolean): RelayerAccounts {
  const { settlerKey, franchiseAdminKey, kycOfficerKey } = settings;
  if (settlerKey === undefined && !localChain) {
    throw new ConfigError("RELAYER_PRIVATE_KEY must be set when RPC_URL names a chain: the settler's key");
  }
  const local = (index: number) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });
  const franchiseAdmin =
    franchiseAdminKey === undefined
      ? localChain
        ? local(LOCAL_ACCOUNTS.franchiseAdmin)
        : undefined
      : privateKeyToAccount(franchiseAdminKey);
  const kycOfficer =
    kycOfficerKey === undefined
      ? localChain
        ? local(LOCAL_ACCOUNTS.kycOfficer)
        : undefined
      : privateKeyToAccount(kycOfficerKey);
  return {
    settler: settlerKey === undefined ? local(LOCAL_ACCOUNTS.settler) : privateKeyToAccount(settlerKey),
    ...(franchiseAdmin === undefined ? {} : { franchiseAdmin }),
    ...(kycOfficer === undefined ? {} : { kycOfficer }),
  };
}
