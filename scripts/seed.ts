/**
 * `npm run seed`: fills a RUNNING stack (`npm start`) with demo data through the public REST API,
 * so that a new user sees the whole product: two restaurants with their franchise NFTs and menus,
 * customers' orders paid by card and with the stable token, settled on chain with receipts on
 * IPFS, loyalty tokens minted, one order served and one partly refunded.
 *
 * Settings (environment; none is needed for `npm start`'s defaults):
 *   SEED_API_URL    the API; default http://127.0.0.1:${PORT:-4000}
 *   RPC_URL         the chain's JSON-RPC; default http://127.0.0.1:${RPC_PORT:-8545}
 *   DEPLOYMENT_DIR  the Ignition deployment record (addresses and ABIs); default
 *                   deploy/deployments/chain-<chain id> (relative paths from the project root)
 *
 * Accounts (Hardhat's test mnemonic, deploy/accounts.ts): #0 the admin (an admin at sign-in on the
 * local chain), #4 the KYC officer, #5 a wallet customer holding tGEL, #10 and #11 the franchisees.
 * Other customers are custodial accounts (no wallet), created anew on every run.
 *
 * Idempotent where it matters: restaurants are found by name (GET /api/v1/restaurants) and menu
 * items by name, so a second run adds orders only. Exits non-zero with a message on failure, and
 * with "start the stack first: npm start" when the API does not answer.
 */
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

import {
  createPublicClient,
  createWalletClient,
  formatUnits,
  http,
  keccak256,
  toHex,
  type Address,
  type Hex,
  type LocalAccount,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { loadConfig, PROJECT_ROOT } from "../lib/config.ts";
import { placeOrderWithPermitArgs, type TokenPaymentQuote } from "../lib/typed-data.ts";
import { readLocalDeployment } from "../local/devchain/deploy-local.ts";
import { loadLocalContracts, type LocalContracts } from "../local/simulation/contracts.ts";
import { table } from "./bench/common.ts";
import { createHttpClient, HttpStatusError, type HttpClient } from "./bench/load/http-client.ts";
import {
  addMenuItem,
  API_PREFIX,
  bearer,
  registerRestaurant,
  retryRateLimited,
  signInCustodial,
  signInWithWallet,
  type MenuItemJson,
  type Session,
} from "./bench/load/hotpot.ts";

// ─── Settings ───────────────────────────────────────────────────────────────────────────────
const config = loadConfig();
// SEED_API_URL is this script's own option (the API to seed, when it is not the local one).
const seedApiUrl = process.env.SEED_API_URL?.trim();
const API_URL = (
  seedApiUrl === undefined || seedApiUrl === "" ? `http://127.0.0.1:${config.port}` : seedApiUrl
).replace(/\/$/, "");
const RPC_URL = config.rpcUrl ?? `http://127.0.0.1:${config.rpcPort}`;
const DEPLOYMENT_DIR = config.deploymentDir;
/** How long the chain (relayer + indexer) may take for one step: activation, settlement, refund. */
const CHAIN_STEP_TIMEOUT_MS = 120_000;

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const hardhatAccount = (index: number): LocalAccount => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });
/** The KYC level FranchiseNFT requires of owners (deploy/modules/FranchiseNFT.ts). */
const FRANCHISEE_KYC_LEVEL = 2;
const FIRST_FRANCHISEE = 10;

// ─── The demo data ──────────────────────────────────────────────────────────────────────────
interface SeedItem {
  readonly name: string;
  readonly description: string;
  readonly price: string;
}
interface SeedRestaurant {
  readonly key: "vake" | "batumi";
  readonly name: string;
  readonly location: string;
  readonly feeBps: number;
  readonly franchisee: number;
  readonly menu: readonly SeedItem[];
}

const COMMON_MENU: readonly SeedItem[] = [
  { name: "Hot Pot", description: "Spicy Sichuan broth for two, with vegetables", price: "25.00" },
  { name: "Dumplings", description: "Eight pork and beef dumplings", price: "8.50" },
  { name: "Lamb platter", description: "Thin-sliced lamb for the pot", price: "18.00" },
  { name: "Jasmine tea", description: "A pot of jasmine green tea", price: "4.00" },
];
const RESTAURANTS: readonly SeedRestaurant[] = [
  {
    key: "vake",
    name: "Hot Pot Spot Vake",
    location: "Tbilisi, Chavchavadze Ave 37",
    feeBps: 1_000,
    franchisee: FIRST_FRANCHISEE,
    menu: [
      ...COMMON_MENU,
      { name: "Mushroom broth", description: "Mild broth of forest mushrooms", price: "22.00" },
      { name: "Tofu skin rolls", description: "Fried tofu skin, for dipping", price: "6.50" },
    ],
  },
  {
    key: "batumi",
    name: "Hot Pot Spot Batumi",
    location: "Batumi, Boulevard 12",
    feeBps: 800,
    franchisee: FIRST_FRANCHISEE + 1,
    menu: [
      ...COMMON_MENU,
      { name: "Seafood hot pot", description: "Black Sea fish and prawns", price: "32.00" },
      { name: "Adjarian khachapuri", description: "Cheese bread with egg and butter", price: "15.00" },
    ],
  },
];

interface SeedOrder {
  readonly customer: "card-1" | "card-2" | "card-3" | "wallet";
  readonly restaurant: SeedRestaurant["key"];
  readonly items: readonly { readonly name: string; readonly quantity: number }[];
  readonly pay: "card" | "token";
  /** After settlement: the franchisee marks it served, or refunds part of it (GEL). */
  readonly then?: { readonly fulfil?: true; readonly refund?: string };
}

const ORDERS: readonly SeedOrder[] = [
  {
    customer: "card-1",
    restaurant: "vake",
    items: [
      { name: "Hot Pot", quantity: 2 },
      { name: "Dumplings", quantity: 1 },
    ],
    pay: "card",
    then: { fulfil: true },
  },
  {
    customer: "card-2",
    restaurant: "vake",
    items: [
      { name: "Mushroom broth", quantity: 1 },
      { name: "Jasmine tea", quantity: 2 },
    ],
    pay: "card",
    then: { fulfil: true, refund: "4.00" },
  },
  {
    customer: "card-3",
    restaurant: "batumi",
    items: [
      { name: "Seafood hot pot", quantity: 1 },
      { name: "Adjarian khachapuri", quantity: 1 },
      { name: "Jasmine tea", quantity: 1 },
    ],
    pay: "card",
  },
  {
    customer: "wallet",
    restaurant: "batumi",
    items: [
      { name: "Hot Pot", quantity: 1 },
      { name: "Lamb platter", quantity: 1 },
    ],
    pay: "token",
  },
];

// ─── API shapes (openapi.yaml) ──────────────────────────────────────────────────────────────
interface Restaurant {
  id: string;
  name: string | null;
  location: string | null;
  status: string;
  owner: string | null;
  fee_bps: number | null;
}
interface Order {
  id: string;
  restaurant_id: string;
  total: string;
  status: string;
  payment_method: string | null;
  receipt_cid: string | null;
  refunded_tetri: number;
  chain: { order_id: Hex; status: string | null; reward: string | null; tx_hash: string | null };
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────
const say = (message: string): void => {
  console.log(message);
};

class SeedError extends Error {}

/** Polls `check` until it returns a value, or fails after `timeoutMs` naming `what`. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = CHAIN_STEP_TIMEOUT_MS,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new SeedError(`timed out after ${timeoutMs / 1_000} s waiting for ${what}`);
    await delay(250);
  }
}

/** Every page of a list endpoint with `after`/`limit` paging (ids ascending). */
async function listAll<T extends { id: string }>(
  client: HttpClient,
  pathname: string,
  key: string,
  as: Session,
): Promise<T[]> {
  const all: T[] = [];
  const separator = pathname.includes("?") ? "&" : "?";
  for (let after: string | undefined; ;) {
    const page = await retryRateLimited(() =>
      client.json<Record<string, T[]>>(
        "GET",
        `${pathname}${separator}limit=100${after === undefined ? "" : `&after=${after}`}`,
        undefined,
        bearer(as),
      ),
    );
    const rows = page[key] ?? [];
    all.push(...rows);
    const last = rows.at(-1);
    if (rows.length < 100 || last === undefined) return all;
    after = last.id;
  }
}

const getOrder = (client: HttpClient, as: Session, id: string): Promise<Order> =>
  retryRateLimited(() => client.json<Order>("GET", `${API_PREFIX}/orders/${id}`, undefined, bearer(as)));

// ─── Steps ──────────────────────────────────────────────────────────────────────────────────
async function assertApiReachable(client: HttpClient): Promise<void> {
  try {
    await client.request("GET", "/health");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new SeedError(`the API at ${API_URL} is not reachable (${reason}); start the stack first: npm start`);
  }
}

interface Chain {
  readonly chainId: number;
  readonly contracts: LocalContracts;
  readonly publicClient: ReturnType<typeof createPublicClient>;
}

async function openChain(): Promise<Chain> {
  const publicClient = createPublicClient({ transport: http(RPC_URL, { retryCount: 0 }) });
  let chainId: number;
  try {
    chainId = await publicClient.getChainId();
  } catch {
    throw new SeedError(`the chain at ${RPC_URL} is not reachable; start the stack first: npm start (or set RPC_URL)`);
  }
  const directory =
    DEPLOYMENT_DIR === undefined
      ? path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${chainId}`)
      : path.resolve(PROJECT_ROOT, DEPLOYMENT_DIR);
  let contracts: LocalContracts;
  try {
    contracts = await loadLocalContracts(await readLocalDeployment(directory));
  } catch (error) {
    throw new SeedError(
      `cannot read the deployment record ${directory} (${error instanceof Error ? error.message : String(error)}); ` +
        "set DEPLOYMENT_DIR to the stack's record",
    );
  }
  return { chainId, contracts, publicClient };
}

/**
 * The KYC officer attests `owner` on chain (level 2, one year), as franchise ownership requires.
 * KYC through the API (documents, review, attestation by the relayer) is a later issue; until
 * then the seed attests directly, as the tests and the API benchmark do.
 */
async function attestFranchisee(chain: Chain, owner: Address, label: string): Promise<void> {
  const { kycRegistry } = chain.contracts;
  const verified = await chain.publicClient.readContract({
    address: kycRegistry.address,
    abi: kycRegistry.abi,
    functionName: "isVerified",
    args: [owner, FRANCHISEE_KYC_LEVEL],
  });
  if (verified) return;
  const officer = hardhatAccount(LOCAL_ACCOUNTS.kycOfficer);
  const wallet = createWalletClient({ account: officer, transport: http(RPC_URL) });
  const latest = await chain.publicClient.getBlock();
  const hash = await wallet.writeContract({
    chain: null,
    address: kycRegistry.address,
    abi: kycRegistry.abi,
    functionName: "attest",
    args: [owner, FRANCHISEE_KYC_LEVEL, latest.timestamp + 365n * 86_400n, keccak256(toHex(`seed-kyc:${label}`))],
  });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new SeedError(`KycRegistry.attest(${owner}) reverted`);
  say(`  attested ${owner} (${label}) at KYC level ${FRANCHISEE_KYC_LEVEL}`);
}

/** Finds the restaurant by name, or registers it for its franchisee; then waits until it is active. */
async function ensureRestaurant(
  client: HttpClient,
  admin: Session,
  existing: readonly Restaurant[],
  seed: SeedRestaurant,
): Promise<{ restaurant: Restaurant; created: boolean }> {
  const owner = hardhatAccount(seed.franchisee).address;
  const found = existing.find((candidate) => candidate.name === seed.name);
  let id: string;
  if (found !== undefined) {
    id = found.id;
  } else {
    // The API checks the owner's KYC in the mirror: the indexer may not have seen the attestation yet (409).
    const registered = await until(`${seed.name}'s registration (the owner's KYC in the mirror)`, async () => {
      try {
        return await registerRestaurant(client, admin, {
          name: seed.name,
          location: seed.location,
          owner,
          feeBps: seed.feeBps,
        });
      } catch (error) {
        if (error instanceof HttpStatusError && error.status === 409) return undefined;
        throw error;
      }
    });
    id = registered.id;
  }
  const restaurant = await until(`${seed.name} (restaurant ${id}) to become active`, async () => {
    const current = await retryRateLimited(() =>
      client.json<Restaurant>("GET", `${API_PREFIX}/restaurants/${id}`, undefined, bearer(admin)),
    );
    return current.status === "active" ? current : undefined;
  });
  if (restaurant.owner?.toLowerCase() !== owner.toLowerCase()) {
    throw new SeedError(
      `"${seed.name}" (restaurant ${id}) is owned by ${restaurant.owner ?? "nobody"}, not the seed's franchisee ${owner}`,
    );
  }
  return { restaurant, created: found === undefined };
}

/** Adds the menu items the restaurant does not have yet (by name); returns the menu by name. */
async function ensureMenu(
  client: HttpClient,
  franchisee: Session,
  restaurantId: string,
  items: readonly SeedItem[],
): Promise<{ menu: Map<string, MenuItemJson>; added: number }> {
  const current = await listAll<MenuItemJson>(
    client,
    `${API_PREFIX}/restaurants/${restaurantId}/menu?include_unavailable=true`,
    "items",
    franchisee,
  );
  const menu = new Map(current.map((item) => [item.name, item]));
  let added = 0;
  for (const item of items) {
    if (menu.has(item.name)) continue;
    menu.set(item.name, await addMenuItem(client, franchisee, restaurantId, item));
    added++;
  }
  return { menu, added };
}

/** Pays a token order: the quote's permit signed by the wallet, then placeOrderWithPermit from it. */
async function payWithToken(
  client: HttpClient,
  chain: Chain,
  wallet: LocalAccount,
  session: Session,
  orderId: string,
): Promise<void> {
  const quote = await retryRateLimited(() =>
    client.json<TokenPaymentQuote>("POST", `${API_PREFIX}/orders/${orderId}/pay`, { method: "token" }, bearer(session)),
  );
  const { orderSettlement } = chain.contracts;
  const walletClient = createWalletClient({ account: wallet, transport: http(RPC_URL) });
  const hash = await walletClient.writeContract({
    chain: null,
    address: orderSettlement.address,
    abi: orderSettlement.abi,
    functionName: "placeOrderWithPermit",
    args: await placeOrderWithPermitArgs(wallet, quote),
  });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new SeedError(`placeOrderWithPermit for order ${orderId} reverted`);
}

// ─── Main ───────────────────────────────────────────────────────────────────────────────────
async function main(): Promise<void> {
  const client = createHttpClient(API_URL);
  try {
    await assertApiReachable(client);
    const chain = await openChain();
    say(`Seeding ${API_URL} (chain ${chain.chainId} at ${RPC_URL}) ...`);

    // 1. KYC for the franchisees, on chain.
    say("1. KYC attestations for the franchisees (KycRegistry.attest by the KYC officer, account #4)");
    for (const seed of RESTAURANTS) await attestFranchisee(chain, hardhatAccount(seed.franchisee).address, seed.name);

    // 2. The admin registers the restaurants (or finds them from an earlier run).
    say("2. Restaurants (admin, account #0, signed in with SIWE)");
    const adminAccount = hardhatAccount(LOCAL_ACCOUNTS.admin);
    const admin = await signInWithWallet(client, adminAccount);
    if (!admin.roles.includes("admin"))
      throw new SeedError(`${adminAccount.address} signed in without the admin role; is it in ADMIN_ADDRESSES?`);
    const existing = await listAll<Restaurant>(client, `${API_PREFIX}/restaurants`, "restaurants", admin);
    const restaurants = new Map<SeedRestaurant["key"], Restaurant>();
    for (const seed of RESTAURANTS) {
      const { restaurant, created } = await ensureRestaurant(client, admin, existing, seed);
      restaurants.set(seed.key, restaurant);
      say(`  ${created ? "registered" : "found"} ${seed.name}: restaurant ${restaurant.id}, active`);
    }

    // 3. Each franchisee builds the menu.
    say("3. Menus (each franchisee, signed in with SIWE)");
    const franchisees = new Map<SeedRestaurant["key"], Session>();
    const menus = new Map<SeedRestaurant["key"], Map<string, MenuItemJson>>();
    for (const seed of RESTAURANTS) {
      const restaurant = restaurants.get(seed.key);
      if (restaurant === undefined) throw new SeedError(`${seed.name} is missing`);
      const franchisee = await signInWithWallet(client, hardhatAccount(seed.franchisee));
      franchisees.set(seed.key, franchisee);
      const { menu, added } = await ensureMenu(client, franchisee, restaurant.id, seed.menu);
      menus.set(seed.key, menu);
      say(`  ${seed.name}: ${menu.size} items (${added} added)`);
    }

    // 4. Customers order and pay.
    say("4. Orders (custodial customers pay by card; wallet account #5 pays with the stable token)");
    const walletAccount = hardhatAccount(LOCAL_ACCOUNTS.firstCustomer);
    const customers = new Map<SeedOrder["customer"], Session>();
    const customerOf = async (key: SeedOrder["customer"]): Promise<Session> => {
      const known = customers.get(key);
      if (known !== undefined) return known;
      const session = key === "wallet" ? await signInWithWallet(client, walletAccount) : await signInCustodial(client);
      customers.set(key, session);
      return session;
    };
    const placed: { seed: SeedOrder; customer: Session; id: string }[] = [];
    for (const seed of ORDERS) {
      const customer = await customerOf(seed.customer);
      const menu = menus.get(seed.restaurant);
      const restaurant = restaurants.get(seed.restaurant);
      if (menu === undefined || restaurant === undefined) throw new SeedError(`no restaurant ${seed.restaurant}`);
      const items = seed.items.map((line) => {
        const item = menu.get(line.name);
        if (item === undefined) throw new SeedError(`${restaurant.name ?? restaurant.id} has no "${line.name}"`);
        return { id: item.id, quantity: line.quantity };
      });
      const order = await retryRateLimited(() =>
        client.json<Order>(
          "POST",
          `${API_PREFIX}/orders`,
          { restaurant_id: restaurant.id, items, customer_id: customer.userId },
          bearer(customer),
          201,
        ),
      );
      if (seed.pay === "card") {
        const paid = await retryRateLimited(() =>
          client.json<{ status: string }>(
            "POST",
            `${API_PREFIX}/orders/${order.id}/pay`,
            { method: "card", payment_method: "pm_card_visa" },
            bearer(customer),
          ),
        );
        if (paid.status !== "succeeded") throw new SeedError(`card payment of order ${order.id} is "${paid.status}"`);
      } else {
        await payWithToken(client, chain, walletAccount, customer, order.id);
      }
      placed.push({ seed, customer, id: order.id });
      say(`  order ${order.id} at ${restaurant.name ?? restaurant.id}: ${order.total} GEL, paid by ${seed.pay}`);
    }

    // 5. Settlement on chain (relayer + indexer), then the kitchen serves and a partial refund.
    say("5. Waiting for the settlements on chain ...");
    for (const { customer, id } of placed) {
      await until(`order ${id} to settle`, async () => {
        const order = await getOrder(client, customer, id);
        return order.status === "settled" && order.receipt_cid !== null ? order : undefined;
      });
    }
    say(`  all ${placed.length} orders settled on chain: receipts stored on IPFS, loyalty tokens minted`);
    for (const { seed, customer, id } of placed) {
      const franchisee = franchisees.get(seed.restaurant);
      if (franchisee === undefined) throw new SeedError(`no franchisee for ${seed.restaurant}`);
      if (seed.then?.fulfil === true) {
        await retryRateLimited(() =>
          client.json<Order>("POST", `${API_PREFIX}/orders/${id}/fulfill`, undefined, bearer(franchisee)),
        );
        say(`  order ${id} served (fulfilled by the franchisee)`);
      }
      const refund = seed.then?.refund;
      if (refund !== undefined) {
        await retryRateLimited(() =>
          client.json(
            "POST",
            `${API_PREFIX}/orders/${id}/refund`,
            { amount: refund },
            { ...bearer(franchisee), "idempotency-key": `seed-refund-${id}` },
            202,
          ),
        );
        const tetri = Math.round(Number(refund) * 100);
        await until(`the refund of order ${id} on chain`, async () => {
          const order = await getOrder(client, customer, id);
          return order.refunded_tetri >= tetri ? order : undefined;
        });
        say(`  order ${id} refunded ${refund} GEL (by the franchisee, recorded on chain)`);
      }
    }

    // Summary.
    const finalOrders = await Promise.all(
      placed.map(async ({ seed, customer, id }) => ({ seed, customer, order: await getOrder(client, customer, id) })),
    );
    const nameOf = new Map([...restaurants.values()].map((restaurant) => [restaurant.id, restaurant.name ?? "?"]));
    say("\nRestaurants");
    say(
      table(
        ["restaurant", "id", "owner (franchise NFT)", "fee", "menu items"],
        RESTAURANTS.map((seed) => {
          const restaurant = restaurants.get(seed.key);
          return [
            seed.name,
            restaurant?.id ?? "?",
            restaurant?.owner ?? "?",
            `${(restaurant?.fee_bps ?? 0) / 100} %`,
            String(menus.get(seed.key)?.size ?? 0),
          ];
        }),
      ),
    );
    const customerLabel = (key: SeedOrder["customer"]): string =>
      key === "wallet" ? "wallet #5" : `custodial ${key.replace("card-", "")}`;
    say("\nOrders (this run)");
    say(
      table(
        ["order", "restaurant", "customer", "total GEL", "paid by", "status", "refunded", "HOTPOT earned", "receipt"],
        finalOrders.map(({ seed, order }) => [
          order.id,
          nameOf.get(order.restaurant_id) ?? order.restaurant_id,
          customerLabel(seed.customer),
          order.total,
          order.payment_method ?? "-",
          order.status,
          (order.refunded_tetri / 100).toFixed(2),
          order.chain.reward === null ? "-" : formatUnits(BigInt(order.chain.reward), 18),
          order.receipt_cid === null ? "-" : `${API_URL}/ipfs/${order.receipt_cid}`,
        ]),
      ),
    );
    const { hotPotToken } = chain.contracts;
    const balances = await Promise.all(
      [...customers.entries()].map(async ([key, session]) => ({
        key,
        session,
        balance: await chain.publicClient.readContract({
          address: hotPotToken.address,
          abi: hotPotToken.abi,
          functionName: "balanceOf",
          args: [session.address as Address],
        }),
      })),
    );
    say("\nLoyalty tokens (HOTPOT balances on chain; refunds claw back rewards pro rata)");
    say(
      table(
        ["customer", "address", "HOTPOT"],
        balances.map(({ key, session, balance }) => [customerLabel(key), session.address, formatUnits(balance, 18)]),
      ),
    );
    const earned = finalOrders.reduce((sum, { order }) => sum + BigInt(order.chain.reward ?? 0), 0n);
    say(
      `\nDone: ${restaurants.size} restaurants, ${finalOrders.length} orders settled, ${formatUnits(earned, 18)} HOTPOT minted this run.` +
        `\nExplore: ${API_URL}/graphql, ${API_URL}${API_PREFIX}/restaurants`,
    );
  } finally {
    client.close();
  }
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  if (error instanceof SeedError) console.error(`seed: ${error.message}`);
  else console.error("seed failed:", error instanceof Error ? (error.stack ?? error.message) : error);
}
