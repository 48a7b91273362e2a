/**
 * Wallets through wagmi: any injected EIP-1193 wallet (a browser extension, or the test key the
 * end-to-end tests inject). The chains only name ids for the wallet; the app reads the chain
 * through the API, never through an RPC of its own. Pages import this module only when a wallet
 * is used (sign-in, paying with the token): wagmi and viem stay out of the customer's first load.
 */
import type { Address } from "viem";
import { createSiweMessage } from "viem/siwe";
import { createConfig, http, injected } from "wagmi";
import { connect, getConnection, signMessage } from "wagmi/actions";
import { base, baseSepolia, hardhat, sepolia } from "wagmi/chains";

import type { Schemas } from "../api/rest.ts";

export const wagmiConfig = createConfig({
  chains: [hardhat, sepolia, baseSepolia, base],
  connectors: [injected()],
  transports: {
    [hardhat.id]: http(),
    [sepolia.id]: http(),
    [baseSepolia.id]: http(),
    [base.id]: http(),
  },
});

/** The wallet's account, asking the wallet to connect when it is not (signing out keeps it connected). */
export async function connectedAccount(): Promise<Address> {
  const connection = getConnection(wagmiConfig);
  if (connection.status === "connected") return connection.address;
  const [connector] = wagmiConfig.connectors;
  const { accounts } = await connect(wagmiConfig, { connector });
  return accounts[0];
}

/** The API's SIWE challenge as the message the wallet signs (EIP-4361), and its signature. */
export async function signInMessage(
  challenge: Schemas["SiweNonce"],
): Promise<{ readonly message: string; readonly signature: string }> {
  const address = await connectedAccount();
  const message = createSiweMessage({
    address,
    chainId: challenge.chain_id,
    domain: challenge.domain,
    uri: challenge.uri,
    nonce: challenge.nonce,
    statement: challenge.statement,
    version: "1",
    issuedAt: new Date(),
    expirationTime: new Date(challenge.expires_at),
  });
  return { message, signature: await signMessage(wagmiConfig, { account: address, message }) };
}
