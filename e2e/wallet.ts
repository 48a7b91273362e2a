/**
 * An injected EIP-1193 wallet backed by a test key: the page gets `window.ethereum` (announced as
 * EIP-6963 too), and every request it makes is answered here, in Node, by a viem account, the way
 * a browser extension answers from its own process.
 */
import type { Page } from "@playwright/test";
import { numberToHex, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const CHAIN_ID = 31337;

export const hardhatAccount = (index: number): ReturnType<typeof mnemonicToAccount> =>
  mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });

interface WalletRequest {
  method: string;
  params?: unknown[];
}

export async function injectWallet(page: Page, accountIndex: number): Promise<`0x${string}`> {
  const account = hardhatAccount(accountIndex);
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
      default:
        return { error: { code: 4200, message: `the test wallet does not support ${method}` } };
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
