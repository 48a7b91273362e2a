import { createRequire } from "node:module";

import hardhatEthersPlugin from "@nomicfoundation/hardhat-ethers";
import hardhatToolboxViemPlugin from "@nomicfoundation/hardhat-toolbox-viem";
import hardhatTypechainPlugin from "@nomicfoundation/hardhat-typechain";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

// Hardhat cannot download compilers on our machines: solc comes from the npm `solc` package,
// pinned exactly in package.json, and must stay in step with SOLC_VERSION.
const SOLC_VERSION = "0.8.28";
const compiler = {
  version: SOLC_VERSION,
  path: require.resolve("solc/soljson.js"),
  settings: {
    evmVersion: "cancun",
    viaIR: true,
    optimizer: { enabled: true, runs: 10_000 },
  },
};

// Calls per invariant run. Runs × depth is what an invariant campaign costs; see README (Figures).
const INVARIANT_DEPTH = 64;

export default defineConfig({
  // viem for tests, deployment and operator scripts; ethers + TypeChain bindings for
  // wallet-side examples (examples/), which is what most wallet integrators use.
  plugins: [hardhatToolboxViemPlugin, hardhatEthersPlugin, hardhatTypechainPlugin],
  solidity: {
    profiles: {
      default: compiler,
      production: compiler,
    },
  },
  paths: {
    ignition: "deploy",
    tests: { nodejs: "test", solidity: "test/solidity" },
  },
  // Solidity test profiles (`hardhat test solidity --test-profile <name>`): `default` runs in
  // `npm test` (with coverage) on every push; `deep` is `npm run test:deep`, the CI job deep-fuzz.
  test: {
    solidity: {
      profiles: {
        default: {
          fuzz: { runs: 1_000 },
          invariant: { runs: 1_000, depth: INVARIANT_DEPTH, failOnRevert: false },
        },
        deep: {
          fuzz: { runs: 10_000 },
          invariant: { runs: 10_000, depth: INVARIANT_DEPTH, failOnRevert: false },
        },
      },
    },
  },
  networks: {
    default: {
      type: "edr-simulated",
      chainType: "l1",
    },
    // What `hardhat node` runs. `npm start` pins its genesis time, so that a saved local chain
    // replays to the same block hashes (local/devchain/chain-state.ts).
    node: {
      type: "edr-simulated",
      chainType: "l1",
      ...(process.env.HARDHAT_INITIAL_DATE === undefined ? {} : { initialDate: process.env.HARDHAT_INITIAL_DATE }),
    },
    // The local `hardhat node`; tools that run a node on another port (tests, benchmarks) say so
    // through LOCAL_RPC_URL.
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.LOCAL_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // Any EVM testnet or L2: the RPC endpoint and the deployer key are configuration
    // variables (environment or the encrypted hardhat-keystore), never literals.
    testnet: {
      type: "http",
      chainType: "l1",
      url: configVariable("RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});
