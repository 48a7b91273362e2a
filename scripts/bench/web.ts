/**
 * `npm run bench:web`: the web app's speed in Debian's Chromium against a fresh stack with the
 * seed's demo data (scripts/web-demo.ts), against the figures:
 *
 *  1. initial JavaScript of each customer page (restaurants, a menu, the cart, an order): every
 *     script the browser loads for a cold visit (the built assets as served), gzip-compressed
 *     here at level 9 and summed; target ≤ 200 KB per page. The franchise, admin and auditor
 *     chunks must not be among them.
 *  2. first contentful paint of a restaurant's menu page, from the Performance API
 *     (`paint` entries), cold cache, BENCH_WEB_RUNS (5) visits; target: median ≤ 1 s. Beside it,
 *     when the menu's items were on screen (JavaScript run, data fetched), which has no target.
 *  3. settled on screen after the indexer commits it: a custodial customer orders and pays by
 *     card, BENCH_WEB_ORDERS (3) times; the page records when its status turns `settled`
 *     (MutationObserver, wall clock), the API's `blocks` subscription when the indexer committed
 *     the block holding the order's CardPaymentSettled (`indexedAt`); target: the worst ≤ 1 s.
 *
 * Prints a table, then as its very last line one JSON object with every figure (units in the keys).
 * Exits 1 when a figure misses its target.
 */
import { gzipSync } from "node:zlib";

import type { Browser, Page } from "@playwright/test";

import { launchChromium, openPage, startDemoStack, type DemoStack } from "../web-demo.ts";

const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 5);
const ORDERS = Number(process.env.BENCH_WEB_ORDERS ?? 3);
const TARGET_JS_KB = 200;
const TARGET_FCP_MS = 1_000;
const TARGET_SETTLED_MS = 1_000;
/** Chunks only franchisees, admins, auditors and KYC officers need: customer pages must not load them. */
const STAFF_CHUNKS =
  /(Menu|OrdersBoard|Register|Admin\w*|admin|Audit|Revenue|ApiKeys|StreamControl|KycReview|KycCase)-[\w-]+\.js$/;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

interface PageScripts {
  readonly page: string;
  readonly scripts: number;
  readonly rawBytes: number;
  readonly gzipBytes: number;
  readonly staff: string[];
}

/** Every script a cold visit of `url` loads, as served, and its gzip size. */
async function initialScripts(browser: Browser, stack: DemoStack, name: string, url: string): Promise<PageScripts> {
  const page = await openPage(browser, stack);
  const bodies: Promise<{ url: string; body: Buffer }>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") {
      bodies.push(response.body().then((body) => ({ url: response.url(), body })));
    }
  });
  await page.goto(url, { waitUntil: "networkidle" });
  const scripts = await Promise.all(bodies);
  await page.context().close();
  return {
    page: name,
    scripts: scripts.length,
    rawBytes: scripts.reduce((sum, { body }) => sum + body.length, 0),
    gzipBytes: scripts.reduce((sum, { body }) => sum + gzipSync(body, { level: 9 }).length, 0),
    staff: scripts.map(({ url }) => new URL(url).pathname).filter((path) => STAFF_CHUNKS.test(path)),
  };
}

interface MenuPaint {
  /** The browser's first-contentful-paint: the app's shell (index.html) or the first render. */
  readonly fcp: number;
  /** When the first menu item was in the page: the JavaScript ran and the menu's data arrived. */
  readonly menuShown: number;
}

async function menuPaint(browser: Browser, stack: DemoStack, url: string): Promise<MenuPaint> {
  const page = await openPage(browser, stack);
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid^="add-to-cart-"]') === null) return;
      (window as unknown as { menuShownAt?: number }).menuShownAt = performance.now();
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.locator('[data-testid^="add-to-cart-"]').first().waitFor();
  // A buffered observer also sees the entry when it was recorded before this script ran.
  const fcp = await page.evaluate(
    () =>
      new Promise<number | undefined>((resolve) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntriesByName("first-contentful-paint")[0];
          if (entry !== undefined) resolve(entry.startTime);
        }).observe({ type: "paint", buffered: true });
        setTimeout(() => {
          resolve(undefined);
        }, 5_000);
      }),
  );
  const menuShown = await page.evaluate(() => (window as unknown as { menuShownAt?: number }).menuShownAt);
  await page.context().close();
  if (fcp === undefined) throw new Error(`no first-contentful-paint entry for ${url}`);
  if (menuShown === undefined) throw new Error(`the menu never appeared at ${url}`);
  return { fcp, menuShown };
}

interface Commit {
  readonly blockNumber: number;
  readonly indexedAt: number;
}

/** The indexer's commits as the API announces them (`blocks` subscription over SSE), until `stop`. */
function watchCommits(stack: DemoStack): { commits: Commit[]; stop: () => void } {
  const commits: Commit[] = [];
  const abort = new AbortController();
  const query = "subscription { blocks { blockNumber indexedAt } }";
  void (async () => {
    const response = await fetch(`${stack.baseUrl}/graphql?${new URLSearchParams({ query }).toString()}`, {
      headers: { accept: "text/event-stream" },
      signal: abort.signal,
    });
    if (response.body === null) throw new Error("the blocks subscription has no body");
    let buffer = "";
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("data:")) continue;
        const body = JSON.parse(line.slice(5)) as {
          data?: { blocks: { blockNumber: number | null; indexedAt: string | null } };
        };
        const meta = body.data?.blocks;
        if (meta?.blockNumber != null && meta.indexedAt !== null) {
          commits.push({ blockNumber: meta.blockNumber, indexedAt: Date.parse(meta.indexedAt) });
        }
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) console.error("the blocks subscription failed:", error);
  });
  return {
    commits,
    stop: () => {
      abort.abort();
    },
  };
}

async function settledBlock(stack: DemoStack, chainOrderId: string): Promise<number> {
  const response = await fetch(`${stack.baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `query ($orderId: ID!) { events(where: { orderId: $orderId, eventName: "CardPaymentSettled" }) { nodes { blockNumber } } }`,
      variables: { orderId: chainOrderId },
    }),
  });
  const body = (await response.json()) as { data?: { events: { nodes: { blockNumber: number }[] } } };
  const block = body.data?.events.nodes[0]?.blockNumber;
  if (block === undefined) throw new Error(`no CardPaymentSettled for ${chainOrderId}`);
  return block;
}

/** One custodial order paid by card; ms between the indexer's commit of its settlement and `settled` on screen. */
async function settledLatency(
  page: Page,
  stack: DemoStack,
  commits: readonly Commit[],
  menuUrl: string,
): Promise<number> {
  await page.goto(menuUrl);
  await page.click('[data-testid="add-to-cart-Hot Pot"]');
  await page.click('[data-testid="go-to-cart"]');
  await page.click('[data-testid="place-order"]');
  await page.getByTestId("order-status").filter({ hasText: "placed" }).waitFor();
  await page.evaluate(() => {
    const status = document.querySelector('[data-testid="order-status"]');
    if (status === null) throw new Error("no order status");
    new MutationObserver(() => {
      const w = window as unknown as { settledAt?: number };
      if (w.settledAt === undefined && status.textContent === "settled") w.settledAt = Date.now();
    }).observe(status, { childList: true, characterData: true, subtree: true });
  });
  await page.fill('[data-testid="card-number"]', "4242 4242 4242 4242");
  await page.fill('[data-testid="card-expiry"]', "12/34");
  await page.fill('[data-testid="card-cvc"]', "123");
  await page.click('[data-testid="pay"]');
  await page.getByTestId("order-status").filter({ hasText: "settled" }).waitFor({ timeout: 120_000 });
  const settledAt = await page.evaluate(() => (window as unknown as { settledAt?: number }).settledAt);
  if (settledAt === undefined) throw new Error("the page never recorded `settled`");
  const block = await settledBlock(stack, (await page.getByTestId("chain-order-id").textContent()) ?? "");
  const commit = commits.find((candidate) => candidate.blockNumber >= block);
  if (commit === undefined) throw new Error(`no indexer commit announced for block ${String(block)}`);
  return settledAt - commit.indexedAt;
}

const stack = await startDemoStack();
let browser: Browser | undefined;
let failed = false;
try {
  browser = await launchChromium();
  // Find the seed's restaurant and one of its orders to visit.
  const scout = await openPage(browser, stack);
  await scout.goto("/");
  await scout.getByRole("link", { name: "Hot Pot Spot Vake" }).click();
  await scout.locator('[data-testid="add-to-cart-Hot Pot"]').waitFor();
  const menuUrl = new URL(scout.url()).pathname;
  await scout.click('[data-testid="add-to-cart-Hot Pot"]');
  await scout.click('[data-testid="go-to-cart"]');
  await scout.click('[data-testid="sign-in-custodial"]');
  await scout.click('[data-testid="place-order"]');
  await scout.getByTestId("order-status").waitFor();
  const orderUrl = new URL(scout.url()).pathname;

  const pages = [
    ["restaurants", "/"],
    ["menu", menuUrl],
    ["cart", "/cart"],
    ["order", orderUrl],
  ] as const;
  const scripts: PageScripts[] = [];
  for (const [name, url] of pages) scripts.push(await initialScripts(browser, stack, name, url));

  const paints: MenuPaint[] = [];
  for (let run = 0; run < RUNS; run++) paints.push(await menuPaint(browser, stack, menuUrl));
  const fcps = paints.map((paint) => paint.fcp);
  const menuShown = paints.map((paint) => paint.menuShown);

  const watcher = watchCommits(stack);
  const latencies: number[] = [];
  try {
    for (let order = 0; order < ORDERS; order++)
      latencies.push(await settledLatency(scout, stack, watcher.commits, menuUrl));
  } finally {
    watcher.stop();
  }

  const worstJs = Math.max(...scripts.map((entry) => entry.gzipBytes)) / 1024;
  const staff = scripts.flatMap((entry) => entry.staff);
  const fcpMedian = median(fcps);
  const settledWorst = Math.max(...latencies);
  const rows: [string, string, string, string][] = [
    ...scripts.map((entry): [string, string, string, string] => [
      `initial JS, ${entry.page} page (${String(entry.scripts)} scripts, ${(entry.rawBytes / 1024).toFixed(1)} KB raw)`,
      `${(entry.gzipBytes / 1024).toFixed(1)} KB gzip`,
      `≤ ${String(TARGET_JS_KB)} KB`,
      entry.gzipBytes / 1024 <= TARGET_JS_KB && entry.staff.length === 0 ? "ok" : "MISS",
    ]),
    [
      `menu first contentful paint, median of ${String(RUNS)} (min ${Math.min(...fcps).toFixed(0)}, max ${Math.max(...fcps).toFixed(0)})`,
      `${fcpMedian.toFixed(0)} ms`,
      `≤ ${String(TARGET_FCP_MS)} ms`,
      fcpMedian <= TARGET_FCP_MS ? "ok" : "MISS",
    ],
    [
      `menu items on screen, median of ${String(RUNS)} (min ${Math.min(...menuShown).toFixed(0)}, max ${Math.max(...menuShown).toFixed(0)})`,
      `${median(menuShown).toFixed(0)} ms`,
      "(no target)",
      "-",
    ],
    [
      `settled on screen after the indexer's commit, worst of ${String(ORDERS)} (${latencies.map((ms) => ms.toFixed(0)).join(", ")})`,
      `${settledWorst.toFixed(0)} ms`,
      `≤ ${String(TARGET_SETTLED_MS)} ms`,
      settledWorst <= TARGET_SETTLED_MS ? "ok" : "MISS",
    ],
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0), 6));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(`\n${line(["figure", "value", "target", "result"])}`);
  for (const row of rows) console.log(line(row));
  if (staff.length > 0) console.log(`\nStaff chunks loaded by customer pages: ${staff.join(", ")}`);
  failed = rows.some((row) => row[3] === "MISS");
  console.log(
    JSON.stringify({
      bench: "web",
      initial_js_max_kb_gzip: Number(worstJs.toFixed(1)),
      ...Object.fromEntries(
        scripts.map((entry) => [`initial_js_${entry.page}_kb_gzip`, Number((entry.gzipBytes / 1024).toFixed(1))]),
      ),
      staff_chunks_on_customer_pages_count: staff.length,
      menu_fcp_median_ms: Number(fcpMedian.toFixed(0)),
      menu_fcp_max_ms: Number(Math.max(...fcps).toFixed(0)),
      menu_items_shown_median_ms: Number(median(menuShown).toFixed(0)),
      settled_after_commit_max_ms: Number(settledWorst.toFixed(0)),
      settled_after_commit_median_ms: Number(median(latencies).toFixed(0)),
      target_initial_js_kb_gzip: TARGET_JS_KB,
      target_menu_fcp_ms: TARGET_FCP_MS,
      target_settled_after_commit_ms: TARGET_SETTLED_MS,
      met_count: rows.filter((row) => row[3] === "ok").length,
      missed_count: rows.filter((row) => row[3] === "MISS").length,
    }),
  );
} finally {
  await browser?.close();
  await stack.stop();
}
if (failed) process.exitCode = 1;
