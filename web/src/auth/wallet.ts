/**
 * Wallets through wagmi: any injected EIP-1193 wallet (a browser extension, or the test key the
 * end-to-end tests inject). The chains only name ids for the wallet; the app reads the chain
 * through the API, never through an RPC of its own.
 */
import { createConfig, http, injected } from "wagmi";
import { base, baseSepolia, hardhat, sepolia } from "wagmi/chains";

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
