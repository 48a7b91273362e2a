/**
 * The chain reads the API needs, answered from the node: the settler's EIP-712 quote of a token
 * order, permit nonces and token metadata, an order's record, the KYC level franchise owners need,
 * and the chain's clock.
 */
import {
  createWalletClient,
  custom,
  erc20Abi,
  parseAbi,
  type Abi,
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
} from "viem";

import { signQuote as signTokenQuote, type TokenOrderMessage } from "../../lib/typed-data.ts";

import { classifyRpcError } from "./errors.ts";
import { ORDER_STATUS } from "./kinds.ts";

export interface TokenInfo {
  readonly address: Address;
  /** The EIP-712 domain name and version (for permits), from eip712Domain(). */
  readonly name: string;
  readonly version: string;
  readonly chainId: number;
  readonly symbol: string;
  readonly decimals: number;
}

export interface OrderRecord {
  readonly status: string;
  readonly cardAmount: bigint;
  readonly customer: Address;
}

export interface ChainReads {
  /** The settler's EIP-712 quote of a token order (what OrderSettlement.placeOrder checks). */
  signQuote(order: TokenOrderMessage): Promise<Hex>;
  /** The EIP-2612 nonce of `owner` on `token`. */
  permitNonce(token: Address, owner: Address): Promise<bigint>;
  /** A permit token's EIP-712 domain and decimals (cached: they never change). */
  tokenInfo(token: Address): Promise<TokenInfo>;
  /** OrderSettlement.orderOf, with the status by name. */
  orderOf(orderId: Hex): Promise<OrderRecord>;
  /** The KYC level FranchiseNFT requires of owners (FranchiseNFT.requiredKycLevel). */
  requiredKycLevel(): Promise<number>;
  /** The latest block's timestamp (Unix seconds): deadlines the contracts check are in chain time. */
  chainTime(): Promise<number>;
}

const PERMIT_ABI = parseAbi([
  "function nonces(address owner) view returns (uint256)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
]);

export function createChainReads(parameters: {
  readonly client: PublicClient;
  readonly chainId: number;
  readonly contracts: {
    readonly OrderSettlement: { readonly address: Address; readonly abi: Abi };
    readonly FranchiseNFT: { readonly address: Address; readonly abi: Abi };
  };
  /** Signs quotes (the account holding SETTLER_ROLE). */
  readonly settler: LocalAccount;
}): ChainReads {
  const { client, chainId, contracts } = parameters;
  const tokenCache = new Map<string, Promise<TokenInfo>>();

  async function readToken(token: Address): Promise<TokenInfo> {
    try {
      const [domain, decimals, symbol] = await Promise.all([
        client.readContract({ address: token, abi: PERMIT_ABI, functionName: "eip712Domain" }),
        client.readContract({ address: token, abi: erc20Abi, functionName: "decimals" }),
        client.readContract({ address: token, abi: erc20Abi, functionName: "symbol" }),
      ]);
      const [, name, version, domainChainId] = domain;
      return { address: token, name, version, chainId: Number(domainChainId), symbol, decimals };
    } catch (error) {
      throw classifyRpcError(error);
    }
  }

  const settlerWallet = createWalletClient({
    account: parameters.settler,
    transport: custom({ request: (request: { method: string; params?: unknown }) => client.request(request as never) }),
  });

  return {
    signQuote: (order) => signTokenQuote(settlerWallet, { address: contracts.OrderSettlement.address, chainId }, order),

    async permitNonce(token, owner): Promise<bigint> {
      try {
        return await client.readContract({ address: token, abi: PERMIT_ABI, functionName: "nonces", args: [owner] });
      } catch (error) {
        throw classifyRpcError(error);
      }
    },

    tokenInfo(token): Promise<TokenInfo> {
      const key = token.toLowerCase();
      let cached = tokenCache.get(key);
      if (cached === undefined) {
        cached = readToken(token);
        tokenCache.set(key, cached);
        cached.catch(() => tokenCache.delete(key));
      }
      return cached;
    },

    async chainTime(): Promise<number> {
      try {
        const block = await client.getBlock({ blockTag: "latest" });
        return Number(block.timestamp);
      } catch (error) {
        throw classifyRpcError(error);
      }
    },

    async requiredKycLevel(): Promise<number> {
      try {
        const level = await client.readContract({
          address: contracts.FranchiseNFT.address,
          abi: contracts.FranchiseNFT.abi,
          functionName: "requiredKycLevel",
        });
        return Number(level);
      } catch (error) {
        throw classifyRpcError(error);
      }
    },

    async orderOf(orderId): Promise<OrderRecord> {
      try {
        const record = (await client.readContract({
          address: contracts.OrderSettlement.address,
          abi: contracts.OrderSettlement.abi,
          functionName: "orderOf",
          args: [orderId],
        })) as { status: number; cardAmount: bigint; customer: Address };
        return {
          status: ORDER_STATUS[record.status] ?? String(record.status),
          cardAmount: record.cardAmount,
          customer: record.customer,
        };
      } catch (error) {
        throw classifyRpcError(error);
      }
    },
  };
}
