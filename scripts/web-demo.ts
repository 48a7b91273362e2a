/**
 * What `npm run screenshots` and `npm run bench:web` share: the stack as `npm start` runs it (fresh
 * data dir, free ports: e2e/stack.ts) filled with `npm run seed`'s demo data, and Debian's Chromium
 * (CHROMIUM_PATH overrides /usr/bin/chromium) with pages signed in as the seed's people.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";

import { chromium, type Browser, type Page } from "@playwright/test";

import startStack from "../e2e/stack.ts";
import { injectWallet } from "../e2e/wallet.ts";
import { PROJECT_ROOT } from "../lib/config.ts";

export interface DemoStack {
  readonly baseUrl: string;
  readonly rpcUrl: string;
  stop(): Promise<void>;
}

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is set by e2e/stack.ts`);
  return value;
}

export async function startDemoStack(): Promise<DemoStack> {
  const stop = await startStack();
  try {
    const child = spawn(process.execPath, ["scripts/seed.ts"], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        SEED_API_URL: env("E2E_BASE_URL"),
        RPC_URL: env("E2E_RPC_URL"),
        DEPLOYMENT_DIR: env("E2E_DEPLOYMENT_DIR"),
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const [code] = (await once(child, "exit")) as [number | null];
    if (code !== 0) throw new Error(`npm run seed exited with ${String(code)}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl: env("E2E_BASE_URL"), rpcUrl: env("E2E_RPC_URL"), stop };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}

/** A fresh browser context's page at a laptop's width; signed in with the test wallet of `walletAccount` when given. */
export async function openPage(browser: Browser, stack: DemoStack, walletAccount?: number): Promise<Page> {
  const context = await browser.newContext({
    baseURL: stack.baseUrl,
    locale: "en-US",
    viewport: { width: 1100, height: 800 },
  });
  const page = await context.newPage();
  if (walletAccount !== undefined) {
    await injectWallet(page, walletAccount, stack.rpcUrl);
    await page.goto("/sign-in");
    await page.click('[data-testid="sign-in-wallet"]');
    await page.getByTestId("signed-in-as").waitFor();
  }
  return page;
}
