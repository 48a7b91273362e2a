import { defineConfig } from "@playwright/test";

/**
 * The browser tests: Debian's Chromium (no browser download here), against the whole stack that
 * e2e/stack.ts starts as `npm start` does (fresh data dir, free ports). Workers load this file
 * after the global setup ran, so E2E_BASE_URL is the started server's.
 */
export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  timeout: 240_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.CI === undefined ? "list" : [["list"]],
  globalSetup: "./e2e/stack.ts",
  use: {
    baseURL: process.env.E2E_BASE_URL,
    locale: "en-US",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  outputDir: "e2e/.results",
});
