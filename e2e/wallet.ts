/**
 * An injected EIP-1193 wallet backed by a test key: the page gets `window.ethereum` (announced as
 * EIP-6963 too), and every request it makes is answered here, in Node, by a viem account, the way
 * a browser extension answers from its own process: it signs messages, typed data and
 * transactions itself and forwards the chain's read methods to the local chain's RPC.
 */
import type { Page } from "@playwright/test";
import { createWalletClient, http, numberToHex, type Hex, type TypedDataDefinition } from "viem";
import { mnemonicToAccount } from "viem/accounts";

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const CHAIN_ID = 31337;

export const hardhatAccount = (index: number): ReturnType<typeof mnemonicToAccount> =>
  mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });

/** The transaction fields dapps send with eth_sendTransaction (hex quantities). */
interface TransactionRequest {
  from?: string;
  to?: Hex;
  data?: Hex;
  value?: Hex;
  gas?: Hex;
}

type Fields = Record<string, readonly { name: string; type: string }[]>;

/** eth_signTypedData_v4's JSON carries integers as strings; viem signs them as bigints. */
function typedDataFromJson(json: string): TypedDataDefinition {
  const parsed = JSON.parse(json) as { types: Fields; primaryType: string; domain: object; message: object };
  const revive = (type: string, value: unknown): unknown => {
    if (/^u?int\d*$/.test(type) && (typeof value === "string" || typeof value === "number")) return BigInt(value);
    const fields = parsed.types[type];
    if (fields === undefined || typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    return Object.fromEntries(fields.map((field) => [field.name, revive(field.type, record[field.name])]));
  };
  // The domain's own type is implied by `domain`; viem derives it.
  const types = Object.fromEntries(Object.entries(parsed.types).filter(([name]) => name !== "EIP712Domain"));
  return {
    domain: parsed.domain,
    types,
    primaryType: parsed.primaryType,
    message: revive(parsed.primaryType, parsed.message) as Record<string, unknown>,
  } as TypedDataDefinition;
}

interface WalletRequest {
  method: string;
  params?: unknown[];
}

/** `rpcUrl`: where the wallet reads the chain and sends its signed transactions (E2E_RPC_URL). */
export async function injectWallet(page: Page, accountIndex: number, rpcUrl?: string): Promise<`0x${string}`> {
  const account = hardhatAccount(accountIndex);
  const wallet = rpcUrl === undefined ? undefined : createWalletClient({ account, transport: http(rpcUrl) });
  await page.exposeFunction("__hotpotWalletRequest", async ({ method, params = [] }: WalletRequest) => {
    switch (method) {
      case "eth_requestAccounts":
      case "eth_accounts":
        return { result: [account.address] };
      case "eth_chainId":
        return { result: numberToHex(CHAIN_ID) };
      case "net_version":
        return { result: String(CHAIN_ID) };
      case "wallet_requestPermissions":
      case "wallet_getPermissions":
        return { result: [{ parentCapability: "eth_accounts" }] };
      case "wallet_switchEthereumChain":
        return { result: null };
      case "personal_sign": {
        const [message] = params as [Hex];
        return { result: await account.signMessage({ message: { raw: message } }) };
      }
      case "eth_signTypedData_v4": {
        const [, typedData] = params as [string, string];
        return { result: await account.signTypedData(typedDataFromJson(typedData)) };
      }
      case "eth_sendTransaction": {
        if (wallet === undefined) return { error: { code: 4200, message: "the test wallet has no chain" } };
        const [request] = params as [TransactionRequest];
        // Signed here with the test key and sent raw: the chain node holds no keys of its own.
        const hash = await wallet.sendTransaction({
          chain: null,
          ...(request.to === undefined ? {} : { to: request.to }),
          ...(request.data === undefined ? {} : { data: request.data }),
          ...(request.value === undefined ? {} : { value: BigInt(request.value) }),
          ...(request.gas === undefined ? {} : { gas: BigInt(request.gas) }),
        });
        return { result: hash };
      }
      default: {
        if (rpcUrl === undefined || !/^(eth|net|web3)_/.test(method)) {
          return { error: { code: 4200, message: `the test wallet does not support ${method}` } };
        }
        // Reads (eth_call, eth_estimateGas, receipts, fees) go to the chain as a wallet's own node would answer them.
        const response = await fetch(rpcUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        });
        const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
        return body.error === undefined ? { result: body.result } : { error: body.error };
      }
    }
  });
  await page.addInitScript(() => {
    type Answer = { result?: unknown; error?: { code: number; message: string } };
    const call = (window as unknown as { __hotpotWalletRequest: (request: unknown) => Promise<Answer> })
      .__hotpotWalletRequest;
    const provider = {
      isHotPotTestWallet: true,
      async request(request: { method: string; params?: unknown[] }): Promise<unknown> {
        const answer = await call(request);
        if (answer.error !== undefined)
          throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
        return answer.result;
      },
      on(): void {},
      removeListener(): void {},
    };
    Object.defineProperty(window, "ethereum", { value: provider, configurable: true });
    const info = {
      uuid: "7c5e3f1c-0e0b-4a55-9a11-6a3f3d0f0b1e",
      name: "Test Wallet",
      icon: "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
      rdns: "spot.hotpot.test",
    };
    const announce = (): void => {
      window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    };
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  });
  return account.address;
}
