/**
 * Realistic platform activity on a local chain, through the real contracts: KYC, franchises,
 * card and token orders with their whole life cycles, refunds, loyalty transfers and burns.
 * Used by `npm run simulate` and by tests that need a chain full of history (indexer, API, audit).
 */
import {
  encodeFunctionData,
  getAbiItem,
  getAddress,
  keccak256,
  sha256,
  slice,
  toEventSelector,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import type { LocalDeployment } from "../devchain/deploy-local.ts";
import { signPermit, signQuote, type TokenOrderMessage } from "../../lib/typed-data.ts";
import { createBlockBuilder, type BlockBuilder, type SentTx } from "./blocks.ts";
import { loadLocalContracts, type LocalContracts } from "./contracts.ts";
import { createRandom, type Random } from "./random.ts";

export interface SimulationOptions {
  readonly rpcUrl: string;
  readonly deployment: LocalDeployment;
  /** Orders to place (card and token, all life cycles); at least MIN_ORDERS. */
  readonly orders: number;
  /** Same seed and same starting chain: same transactions in the same blocks. */
  readonly seed?: string | number;
  readonly log?: (message: string) => void;
}

/** Everything the simulation does, counted. */
export const ACTIVITY_KINDS = [
  "kycAttestations",
  "kycRevocations",
  "stableTokenMints",
  "restaurantsRegistered",
  "franchiseFeeChanges",
  "franchiseMetadataChanges",
  "franchiseDeactivations",
  "franchiseReactivations",
  "franchiseTransfers",
  "cardPaymentsSingle",
  "cardPaymentsBatched",
  "cardBatches",
  "cardDuplicatesSkipped",
  "tokenOrdersPermit",
  "tokenOrdersAllowance",
  "tokenOrdersWithDiscount",
  "tokenOrdersFulfilled",
  "tokenOrdersRefunded",
  "tokenOrdersReclaimed",
  "tokenOrdersLeftEscrowed",
  "cardRefundsPartial",
  "cardRefundsFull",
  "cardRefundsAfterRateChange",
  "cardRewardRateChanges",
  "loyaltyTransfers",
  "loyaltyBurns",
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export type SimulatedOrderStatus =
  "card_settled" | "card_refunded" | "escrowed" | "fulfilled" | "refunded" | "reclaimed";

/** An order as the chain should show it once the simulation is done. */
export interface SimulatedOrder {
  readonly orderId: Hex;
  readonly kind: "card" | "token";
  readonly restaurantId: bigint;
  readonly customer: Address;
  /** Card: tetri charged. Token: price before discount. */
  readonly amount: bigint;
  readonly status: SimulatedOrderStatus;
}

export interface SimulationSummary {
  readonly seed: string;
  readonly orders: number;
  readonly counts: Readonly<Record<ActivityKind, number>>;
  readonly restaurants: readonly bigint[];
  readonly blocks: {
    readonly first: bigint;
    readonly last: bigint;
    readonly count: number;
    readonly singleTransaction: number;
    readonly maxTransactions: number;
  };
  readonly transactions: number;
  /** Logs emitted by the platform's contracts, in total and by event name. */
  readonly events: number;
  readonly eventsByName: Readonly<Record<string, number>>;
  readonly gasUsed: bigint;
  readonly elapsedMs: number;
  readonly simulatedOrders: readonly SimulatedOrder[];
}

export const MIN_ORDERS = 10;

const HOTPOT = 10n ** 18n;
const DAY = 86_400n;
/** The quotes' reclaim time: far enough for the restaurant, near enough for one time jump. */
const RECLAIM_DELAY_SECONDS = 2n * 3_600n;
const FRANCHISEE_KYC_LEVEL = 2;
const RESTAURANT_FEES_BPS = [800, 1_000, 650, 1_200, 900, 750] as const;
const CUSTODIAL_CUSTOMERS = 24;
const MAX_WAVE = 60;
/** Batches of card payments stay far below the per-transaction gas cap. */
const MAX_CARD_BATCH = 100;

/** Gas limits per call: generous, so no estimate is needed against a block still being filled. */
const GAS = {
  grantRole: 80_000n,
  attest: 150_000n,
  revoke: 80_000n,
  mintStable: 90_000n,
  register: 300_000n,
  setFee: 70_000n,
  setMetadata: 200_000n,
  setActive: 70_000n,
  transferFranchise: 150_000n,
  settleCard: 200_000n,
  settleCardBatchBase: 100_000n,
  settleCardBatchEntry: 110_000n,
  cardRefund: 150_000n,
  approve: 80_000n,
  placeOrder: 300_000n,
  placeOrderWithPermit: 350_000n,
  fulfill: 250_000n,
  refund: 180_000n,
  reclaim: 180_000n,
  loyaltyTransfer: 90_000n,
  burn: 80_000n,
  setCardRate: 90_000n,
} as const;

type OrderKind = "cardSingle" | "cardBatch" | "tokenPermit" | "tokenAllowance";
type TokenOutcome = "fulfil" | "refund" | "escrow" | "reclaim";
type CardRefundPlan = "none" | "partial" | "full";

interface PlannedOrder {
  readonly index: number;
  readonly orderId: Hex;
  readonly kind: OrderKind;
  customer: Address;
  readonly restaurantSlot: number;
  readonly amount: bigint;
  readonly outcome: TokenOutcome;
  readonly refund: CardRefundPlan;
  /** The refund that must come after the card reward rate changed. */
  readonly refundAfterRateChange: boolean;
  wantsDiscount: boolean;
  // Filled in as the order happens.
  restaurantId?: bigint;
  message?: TokenOrderMessage;
  settledWave?: number;
  status?: SimulatedOrderStatus;
}

interface Accounts {
  readonly admin: Address;
  readonly settler: Address;
  readonly franchiseAdmin: Address;
  readonly kycOfficer: Address;
  readonly customers: readonly Address[];
  readonly franchisees: readonly Address[];
  /** A second verified owner, who buys a franchise from one of the franchisees. */
  readonly buyer: Address;
}

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`index ${i} out of range (length ${items.length})`);
  return item;
}

function restaurantURI(restaurantId: bigint, version = 1): string {
  const suffix = version === 1 ? "" : `-v${version}`;
  return `ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/restaurant-${restaurantId}${suffix}.json`;
}

/** Plausible prices in tetri: 5.00 to 180.00 GEL, in 50-tetri steps like a menu. */
function priceOf(random: Random): bigint {
  return BigInt(random.int(10, 360)) * 50n;
}

export async function simulateActivity(options: SimulationOptions): Promise<SimulationSummary> {
  if (!Number.isInteger(options.orders) || options.orders < MIN_ORDERS) {
    throw new Error(`orders must be an integer >= ${MIN_ORDERS}, got ${options.orders}`);
  }
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const seed = String(options.seed ?? 1);
  const random = createRandom(seed);
  const contracts = await loadLocalContracts(options.deployment);
  const chain = await createBlockBuilder(options.rpcUrl);
  try {
    return await run({ ...options, seed, random, contracts, chain, log, started });
  } finally {
    await chain.close();
  }
}

interface RunContext extends SimulationOptions {
  readonly seed: string;
  readonly random: Random;
  readonly contracts: LocalContracts;
  readonly chain: BlockBuilder;
  readonly log: (message: string) => void;
  readonly started: number;
}

async function run(context: RunContext): Promise<SimulationSummary> {
  const { random, contracts: c, chain, log, seed } = context;
  const client = chain.publicClient;
  const counts = Object.fromEntries(ACTIVITY_KINDS.map((kind) => [kind, 0])) as Record<ActivityKind, number>;

  // ─── Who is who ───────────────────────────────────────────────────────────────────────────
  const nodeAccounts = chain.accounts.map((address) => getAddress(address));
  if (nodeAccounts.length <= LOCAL_ACCOUNTS.simulatorKycOfficer) {
    throw new Error(
      `the node unlocks ${nodeAccounts.length} accounts; the simulation needs ${LOCAL_ACCOUNTS.simulatorKycOfficer + 1} (hardhat node has 20)`,
    );
  }
  const customerAccounts: Address[] = [];
  for (let i: number = LOCAL_ACCOUNTS.firstCustomer; i <= LOCAL_ACCOUNTS.lastCustomer; i++) {
    customerAccounts.push(at(nodeAccounts, i));
  }
  const accounts: Accounts = {
    admin: at(nodeAccounts, LOCAL_ACCOUNTS.admin),
    // Never the relayer's accounts (#2-#4): see LOCAL_ACCOUNTS.simulatorSettler.
    settler: at(nodeAccounts, LOCAL_ACCOUNTS.simulatorSettler),
    franchiseAdmin: at(nodeAccounts, LOCAL_ACCOUNTS.simulatorFranchiseAdmin),
    kycOfficer: at(nodeAccounts, LOCAL_ACCOUNTS.simulatorKycOfficer),
    customers: customerAccounts,
    // The accounts after the customers: #10-#14 own restaurants, #15 buys one.
    franchisees: nodeAccounts.slice(LOCAL_ACCOUNTS.lastCustomer + 1, LOCAL_ACCOUNTS.lastCustomer + 6),
    buyer: at(nodeAccounts, LOCAL_ACCOUNTS.lastCustomer + 6),
  };
  const code = await client.getCode({ address: c.orderSettlement.address });
  if (code === undefined || code === "0x") {
    throw new Error(
      `no contract at ${c.orderSettlement.address}: the deployment record ${context.deployment.directory} is not of this chain (was the node restarted?)`,
    );
  }

  // Ids depend on the seed and the chain's height, so a second run on the same chain never
  // collides with the first, while a replay on the same chain state repeats it exactly.
  const startBlock = await client.getBlockNumber({ cacheTime: 0 });
  const runTag = `${seed}@${startBlock}`;
  const label = (text: string): Hex => keccak256(toHex(`sim:${runTag}:${text}`));
  const cardEntryOf = (order: PlannedOrder): CardPaymentEntry => ({
    orderId: order.orderId,
    restaurantId: order.restaurantId as bigint,
    customer: order.customer,
    amount: order.amount,
    paymentRef: label(`payment:${order.index}`),
    receiptDigest: receiptDigestOf(order),
  });
  const custodial = Array.from({ length: CUSTODIAL_CUSTOMERS }, (_, i) =>
    getAddress(slice(keccak256(toHex(`sim:${seed}:custodial:${i}`)), 12)),
  );

  const [[cardRate], currency, stableDomain, chainId] = await Promise.all([
    client.readContract({ ...c.orderSettlement, functionName: "cardRewardPerUnit" }),
    client.readContract({ ...c.orderSettlement, functionName: "currencyOf", args: [c.testGel.address] }),
    client.readContract({ ...c.testGel, functionName: "eip712Domain" }),
    client.getChainId(),
  ]);
  const [, stableName, stableVersion] = stableDomain;
  const settlement = { address: c.orderSettlement.address, chainId };

  // ─── The orders, planned up front ─────────────────────────────────────────────────────────
  const orders = planOrders(context.orders, random, accounts, custodial, label);
  const waves = planWaves(orders.length, random);
  const reactivationWave = Math.max(1, Math.floor(waves.length / 3));
  const rateChangeWave = Math.max(1, Math.floor(waves.length / 2));
  log(`${orders.length} orders in ${waves.length} waves (run ${runTag})`);

  // ─── Setup: the simulator's roles, KYC, stable-token top-ups, restaurants ──────────────────
  const roles = [
    { contract: c.orderSettlement, role: "SETTLER_ROLE", holder: accounts.settler },
    { contract: c.franchiseNFT, role: "FRANCHISE_ADMIN_ROLE", holder: accounts.franchiseAdmin },
    { contract: c.kycRegistry, role: "KYC_OFFICER_ROLE", holder: accounts.kycOfficer },
  ] as const;
  let granting = false;
  for (const { contract, role, holder } of roles) {
    const abi = contract.abi as Abi;
    const id = (await client.readContract({ address: contract.address, abi, functionName: role })) as Hex;
    if (await client.readContract({ address: contract.address, abi, functionName: "hasRole", args: [id, holder] }))
      continue;
    chain.send({
      from: accounts.admin,
      to: contract.address,
      data: encodeFunctionData({ abi, functionName: "grantRole", args: [id, holder] }),
      gas: GAS.grantRole,
      what: `grant ${role}`,
    });
    granting = true;
  }
  if (granting) await chain.mine();

  const latest = await client.getBlock({ blockTag: "latest" });
  const kycExpiry = latest.timestamp + 365n * DAY;
  for (const franchisee of [...accounts.franchisees, accounts.buyer]) {
    chain.send({
      from: accounts.kycOfficer,
      to: c.kycRegistry.address,
      data: encodeFunctionData({
        abi: c.kycRegistry.abi,
        functionName: "attest",
        args: [franchisee, FRANCHISEE_KYC_LEVEL, kycExpiry, keccak256(toHex(`kyc-evidence:${franchisee}:${runTag}`))],
      }),
      gas: GAS.attest,
      what: "attest",
    });
    counts.kycAttestations++;
  }
  const needs = new Map<Address, bigint>();
  for (const order of orders) {
    if (order.kind === "tokenPermit" || order.kind === "tokenAllowance") {
      needs.set(order.customer, (needs.get(order.customer) ?? 0n) + order.amount);
    }
  }
  // The order that must get a discount may move to the customer richest in points.
  const largestPrice = orders.reduce((max, order) => (order.amount > max ? order.amount : max), 0n);
  const stableBalances = await Promise.all(
    accounts.customers.map((customer) =>
      client.readContract({ ...c.testGel, functionName: "balanceOf", args: [customer] }),
    ),
  );
  accounts.customers.forEach((customer, i) => {
    const shortfall = (needs.get(customer) ?? 0n) + largestPrice - (stableBalances[i] ?? 0n);
    if (shortfall <= 0n) return;
    chain.send({
      from: accounts.admin,
      to: c.testGel.address,
      data: encodeFunctionData({ abi: c.testGel.abi, functionName: "mint", args: [customer, shortfall] }),
      gas: GAS.mintStable,
      what: "tGEL top-up",
    });
    counts.stableTokenMints++;
  });
  await chain.mine();

  const restaurants = await freeRestaurantIds(chain, c, RESTAURANT_FEES_BPS.length);
  const owners = new Map<bigint, Address>();
  restaurants.forEach((restaurantId, i) => {
    const owner = at(accounts.franchisees, i % accounts.franchisees.length);
    owners.set(restaurantId, owner);
    chain.send({
      from: accounts.franchiseAdmin,
      to: c.franchiseNFT.address,
      data: encodeFunctionData({
        abi: c.franchiseNFT.abi,
        functionName: "register",
        args: [owner, restaurantId, at(RESTAURANT_FEES_BPS, i), restaurantURI(restaurantId)],
      }),
      gas: GAS.register,
      what: `register restaurant ${restaurantId}`,
    });
    counts.restaurantsRegistered++;
  });
  await chain.mine();
  log(`restaurants ${restaurants.join(", ")} registered`);

  const [feeChanged, metadataChanged, sold, paused] = [
    at(restaurants, 0),
    at(restaurants, 2),
    at(restaurants, 1),
    at(restaurants, 3),
  ];
  chain.send({
    from: accounts.franchiseAdmin,
    to: c.franchiseNFT.address,
    data: encodeFunctionData({ abi: c.franchiseNFT.abi, functionName: "setFee", args: [feeChanged, 950] }),
    gas: GAS.setFee,
    what: "setFee",
  });
  counts.franchiseFeeChanges++;
  chain.send({
    from: accounts.franchiseAdmin,
    to: c.franchiseNFT.address,
    data: encodeFunctionData({
      abi: c.franchiseNFT.abi,
      functionName: "setMetadataURI",
      args: [metadataChanged, restaurantURI(metadataChanged, 2)],
    }),
    gas: GAS.setMetadata,
    what: "setMetadataURI",
  });
  counts.franchiseMetadataChanges++;
  chain.send({
    from: accounts.franchiseAdmin,
    to: c.franchiseNFT.address,
    data: encodeFunctionData({ abi: c.franchiseNFT.abi, functionName: "setActive", args: [paused, false] }),
    gas: GAS.setActive,
    what: "deactivate",
  });
  counts.franchiseDeactivations++;
  await chain.mine();

  // The franchisee of the sold restaurant hands it to the buyer, then leaves: their KYC is revoked.
  const seller = owners.get(sold) as Address;
  chain.send({
    from: seller,
    to: c.franchiseNFT.address,
    data: encodeFunctionData({
      abi: c.franchiseNFT.abi,
      functionName: "transferFrom",
      args: [seller, accounts.buyer, sold],
    }),
    gas: GAS.transferFranchise,
    what: "franchise transfer",
  });
  owners.set(sold, accounts.buyer);
  counts.franchiseTransfers++;
  await chain.mine();
  chain.send({
    from: accounts.kycOfficer,
    to: c.kycRegistry.address,
    data: encodeFunctionData({
      abi: c.kycRegistry.abi,
      functionName: "revoke",
      args: [seller, keccak256(toHex(`kyc-revocation:left-franchise:${runTag}`))],
    }),
    gas: GAS.revoke,
    what: "revoke",
  });
  counts.kycRevocations++;
  await chain.mine();

  // ─── Orders, wave by wave: block A places and settles, block B serves and moves points ───
  const active = new Set(restaurants.filter((id) => id !== paused));
  const cardRefundsDue = new Map<number, PlannedOrder[]>();
  const rateEpochRate = new Map<number, bigint>();
  let currentCardRate = cardRate;
  let rateChanged = false;
  let burned = false;
  let duplicatesSent = false;
  let discountForced = false;

  for (const [w, wave] of waves.entries()) {
    if (w === reactivationWave) {
      chain.send({
        from: accounts.franchiseAdmin,
        to: c.franchiseNFT.address,
        data: encodeFunctionData({ abi: c.franchiseNFT.abi, functionName: "setActive", args: [paused, true] }),
        gas: GAS.setActive,
        what: "reactivate",
      });
      counts.franchiseReactivations++;
      await chain.mine();
      active.add(paused);
    }
    if (w === rateChangeWave) {
      currentCardRate = (cardRate * 3n) / 2n;
      chain.send({
        from: accounts.admin,
        to: c.orderSettlement.address,
        data: encodeFunctionData({
          abi: c.orderSettlement.abi,
          functionName: "setCardRewardPerUnit",
          args: [currentCardRate],
        }),
        gas: GAS.setCardRate,
        what: "setCardRewardPerUnit",
      });
      counts.cardRewardRateChanges++;
      await chain.mine();
      rateChanged = true;
    }
    rateEpochRate.set(w, currentCardRate);

    const waveOrders = orders.slice(wave.start, wave.end);
    const latestBlock = await client.getBlock({ blockTag: "latest" });
    const now = latestBlock.timestamp;
    const spendable = await loyaltyBalances(chain, c, accounts.customers);
    const permitNonces = new Map<Address, bigint>();
    await Promise.all(
      accounts.customers.map(async (customer) => {
        permitNonces.set(
          customer,
          await client.readContract({ ...c.testGel, functionName: "nonces", args: [customer] }),
        );
      }),
    );
    const activeList = restaurants.filter((id) => active.has(id));
    for (const order of waveOrders) {
      const slotted = at(restaurants, order.restaurantSlot);
      order.restaurantId = active.has(slotted) ? slotted : at(activeList, order.restaurantSlot % activeList.length);
    }

    // Card refunds due now (settler, block A). Points clawed back are no longer spendable.
    const refunds = cardRefundsDue.get(w) ?? [];
    cardRefundsDue.delete(w);
    for (const order of refunds) {
      const rate = rateEpochRate.get(order.settledWave ?? 0) ?? cardRate;
      debit(spendable, order.customer, order.amount * rate);
    }

    // Token orders: discounts within what the customer can spend, then quotes and permits.
    const tokenOrders = waveOrders.filter((o) => o.kind === "tokenPermit" || o.kind === "tokenAllowance");
    if (w >= 1 && !discountForced) {
      const first = tokenOrders[0];
      if (first !== undefined) {
        first.wantsDiscount = true;
        const richest = [...accounts.customers].sort((a, b) => cmp(spendable.get(b) ?? 0n, spendable.get(a) ?? 0n))[0];
        if (richest !== undefined) first.customer = richest;
        discountForced = true;
      }
    }
    for (const order of tokenOrders) {
      let discount = 0n;
      if (order.wantsDiscount) {
        const affordable = (spendable.get(order.customer) ?? 0n) / currency.pointsPerDiscountUnit;
        const cap = (order.amount * BigInt(currency.maxDiscountBps)) / 10_000n;
        const wanted = BigInt(random.int(1, 20)) * 10n;
        discount = [affordable, cap, wanted].reduce((a, b) => (b < a ? b : a));
      }
      debit(spendable, order.customer, discount * currency.pointsPerDiscountUnit);
      order.message = {
        orderId: order.orderId,
        restaurantId: order.restaurantId as bigint,
        customer: order.customer,
        token: c.testGel.address,
        price: order.amount,
        discount,
        pointsRedeemed: discount * currency.pointsPerDiscountUnit,
        reclaimAfter: Number(now + RECLAIM_DELAY_SECONDS),
      };
      if (discount > 0n) counts.tokenOrdersWithDiscount++;
    }
    const signatures = await Promise.all(
      tokenOrders.map(async (order) => {
        const message = order.message as TokenOrderMessage;
        const quote = await signQuote(chain.wallet(accounts.settler), settlement, message);
        if (order.kind !== "tokenPermit") return { quote, permit: undefined };
        const nonce = permitNonces.get(order.customer) ?? 0n;
        permitNonces.set(order.customer, nonce + 1n);
        const permit = await signPermit(
          chain.wallet(order.customer),
          { address: c.testGel.address, name: stableName, version: stableVersion, chainId },
          {
            spender: c.orderSettlement.address,
            value: message.price - message.discount,
            nonce,
            deadline: BigInt(message.reclaimAfter),
          },
        );
        return { quote, permit };
      }),
    );

    // Block A.
    for (const order of waveOrders.filter((o) => o.kind === "cardSingle")) {
      chain.send({
        from: accounts.settler,
        to: c.orderSettlement.address,
        data: encodeFunctionData({
          abi: c.orderSettlement.abi,
          functionName: "settleCardPayment",
          args: [
            order.orderId,
            order.restaurantId as bigint,
            order.customer,
            order.amount,
            label(`payment:${order.index}`),
            receiptDigestOf(order),
          ],
        }),
        gas: GAS.settleCard,
        what: "settleCardPayment",
      });
      counts.cardPaymentsSingle++;
    }
    const batched = waveOrders.filter((o) => o.kind === "cardBatch");
    const chunks: { entries: CardPaymentEntry[]; duplicates: number }[] = [];
    for (let start = 0; start < batched.length; start += MAX_CARD_BATCH) {
      const entries = batched.slice(start, start + MAX_CARD_BATCH).map(cardEntryOf);
      // A relayer sorts by restaurant: the contract then looks each restaurant up once.
      entries.sort((a, b) => cmp(a.restaurantId, b.restaurantId));
      chunks.push({ entries, duplicates: 0 });
    }
    if (w >= 1 && !duplicatesSent) {
      // A relayer that crashed resends what it already settled: the contract skips ids it knows,
      // within a batch and across batches.
      const earlier = orders.filter((o) => o.kind === "cardBatch" && o.settledWave !== undefined).map(cardEntryOf);
      const first = chunks[0];
      if (first !== undefined && earlier[0] !== undefined) {
        first.entries.push({ ...at(first.entries, 0) }, earlier[0]);
        first.duplicates = 2;
      } else if (earlier.length > 0) {
        chunks.push({ entries: earlier, duplicates: earlier.length });
      }
      duplicatesSent = chunks.some((chunk) => chunk.duplicates > 0);
    }
    const batchTxs: { tx: SentTx; duplicates: number }[] = [];
    for (const { entries, duplicates } of chunks) {
      const tx = chain.send({
        from: accounts.settler,
        to: c.orderSettlement.address,
        data: encodeFunctionData({ abi: c.orderSettlement.abi, functionName: "settleCardPayments", args: [entries] }),
        gas: GAS.settleCardBatchBase + GAS.settleCardBatchEntry * BigInt(entries.length),
        what: `settleCardPayments of ${entries.length}`,
      });
      batchTxs.push({ tx, duplicates });
      counts.cardBatches++;
      counts.cardPaymentsBatched += entries.length - duplicates;
      counts.cardDuplicatesSkipped += duplicates;
    }
    for (const order of waveOrders.filter((o) => o.kind === "cardSingle" || o.kind === "cardBatch")) {
      order.settledWave = w;
      order.status = "card_settled";
      if (order.refund === "none") continue;
      const due = order.refundAfterRateChange ? rateChangeWave : w + random.int(1, 3);
      const list = cardRefundsDue.get(due) ?? [];
      list.push(order);
      cardRefundsDue.set(due, list);
    }
    for (const order of refunds) sendCardRefund(order, rateChanged);
    tokenOrders.forEach((order, i) => {
      const message = order.message as TokenOrderMessage;
      const { quote, permit } = at(signatures, i);
      const paid = message.price - message.discount;
      if (permit === undefined) {
        chain.send({
          from: order.customer,
          to: c.testGel.address,
          data: encodeFunctionData({
            abi: c.testGel.abi,
            functionName: "approve",
            args: [c.orderSettlement.address, paid],
          }),
          gas: GAS.approve,
          what: "approve",
        });
        chain.send({
          from: order.customer,
          to: c.orderSettlement.address,
          data: encodeFunctionData({ abi: c.orderSettlement.abi, functionName: "placeOrder", args: [message, quote] }),
          gas: GAS.placeOrder,
          what: "placeOrder",
        });
        counts.tokenOrdersAllowance++;
      } else {
        chain.send({
          from: order.customer,
          to: c.orderSettlement.address,
          data: encodeFunctionData({
            abi: c.orderSettlement.abi,
            functionName: "placeOrderWithPermit",
            args: [message, quote, BigInt(message.reclaimAfter), permit.v, permit.r, permit.s],
          }),
          gas: GAS.placeOrderWithPermit,
          what: "placeOrderWithPermit",
        });
        counts.tokenOrdersPermit++;
      }
      order.status = "escrowed";
    });
    await chain.mine();
    const skipTopic = toEventSelector(getAbiItem({ abi: c.orderSettlement.abi, name: "CardPaymentDuplicateSkipped" }));
    for (const { tx, duplicates } of batchTxs) {
      const skipped = tx.receipt?.logs.filter((entry) => entry.topics[0] === skipTopic).length ?? 0;
      if (skipped !== duplicates) throw new Error(`${tx.what} skipped ${skipped} entries, expected ${duplicates}`);
    }

    // Block B: restaurants serve or refund; customers move and burn points.
    for (const order of tokenOrders) {
      const message = order.message as TokenOrderMessage;
      if (order.outcome !== "fulfil" && order.outcome !== "refund") continue;
      const operator = random.chance(0.5) ? accounts.settler : (owners.get(message.restaurantId) as Address);
      if (order.outcome === "fulfil") {
        chain.send({
          from: operator,
          to: c.orderSettlement.address,
          data: encodeFunctionData({
            abi: c.orderSettlement.abi,
            functionName: "fulfill",
            args: [message, receiptDigestOf(order)],
          }),
          gas: GAS.fulfill,
          what: "fulfill",
        });
        order.status = "fulfilled";
        counts.tokenOrdersFulfilled++;
      } else {
        chain.send({
          from: operator,
          to: c.orderSettlement.address,
          data: encodeFunctionData({ abi: c.orderSettlement.abi, functionName: "refund", args: [message] }),
          gas: GAS.refund,
          what: "refund",
        });
        order.status = "refunded";
        counts.tokenOrdersRefunded++;
      }
    }
    const transfers = random.int(0, 3);
    for (let t = 0; t < transfers; t++) {
      const from = random.pick(accounts.customers);
      const to = random.chance(0.7)
        ? random.pick(accounts.customers.filter((a) => a !== from))
        : random.pick(custodial);
      const available = spendable.get(from) ?? 0n;
      const amount = ((available * BigInt(random.int(5, 30))) / 100n / 10n ** 15n) * 10n ** 15n;
      if (amount === 0n) continue;
      debit(spendable, from, amount);
      chain.send({
        from,
        to: c.hotPotToken.address,
        data: encodeFunctionData({ abi: c.hotPotToken.abi, functionName: "transfer", args: [to, amount] }),
        gas: GAS.loyaltyTransfer,
        what: "HOTPOT transfer",
      });
      counts.loyaltyTransfers++;
    }
    if (!burned && w >= 1) burned = sendBurn(spendable);
    await chain.mine();
    if (w % 10 === 9 || w === waves.length - 1) log(`wave ${w + 1}/${waves.length}: ${wave.end} orders placed`);
  }

  // ─── Closing: late refunds, the time jump and the reclaim, the rate restored ──────────────
  const late = [...cardRefundsDue.values()].flat();
  if (late.length > 0 || !burned) {
    const spendable = await loyaltyBalances(chain, c, accounts.customers);
    for (const order of late) sendCardRefund(order, rateChanged);
    if (!burned) burned = sendBurn(spendable);
    await chain.mine();
  }

  const reclaimed = orders.find((o) => o.outcome === "reclaim");
  if (reclaimed?.message !== undefined) {
    const latestBlock = await client.getBlock({ blockTag: "latest" });
    const jump = BigInt(reclaimed.message.reclaimAfter) - latestBlock.timestamp + 60n;
    if (jump > 0n) await chain.testClient.increaseTime({ seconds: Number(jump) });
    chain.send({
      from: reclaimed.customer,
      to: c.orderSettlement.address,
      data: encodeFunctionData({ abi: c.orderSettlement.abi, functionName: "reclaim", args: [reclaimed.message] }),
      gas: GAS.reclaim,
      what: "reclaim",
    });
    reclaimed.status = "reclaimed";
    counts.tokenOrdersReclaimed++;
    await chain.mine();
  }

  if (rateChanged) {
    // The chain keeps its configured rate for whoever comes next (the API quotes rewards from it).
    chain.send({
      from: accounts.admin,
      to: c.orderSettlement.address,
      data: encodeFunctionData({ abi: c.orderSettlement.abi, functionName: "setCardRewardPerUnit", args: [cardRate] }),
      gas: GAS.setCardRate,
      what: "setCardRewardPerUnit (restore)",
    });
    counts.cardRewardRateChanges++;
    await chain.mine();
  }
  counts.tokenOrdersLeftEscrowed = orders.filter((o) => o.status === "escrowed").length;

  // ─── Summary, cross-checked against the logs ──────────────────────────────────────────────
  const eventsByName = await countEvents(
    chain,
    c,
    chain.stats.firstBlock ?? startBlock,
    chain.stats.lastBlock ?? startBlock,
  );
  const expectSettled = counts.cardPaymentsSingle + counts.cardPaymentsBatched;
  if ((eventsByName["CardPaymentSettled"] ?? 0) !== expectSettled) {
    throw new Error(
      `the chain shows ${eventsByName["CardPaymentSettled"] ?? 0} card settlements, expected ${expectSettled}`,
    );
  }
  const stats = chain.stats;
  return {
    seed,
    orders: orders.length,
    counts,
    restaurants,
    blocks: {
      first: stats.firstBlock ?? startBlock,
      last: stats.lastBlock ?? startBlock,
      count: stats.blocks,
      singleTransaction: stats.singleTxBlocks,
      maxTransactions: stats.maxTxsPerBlock,
    },
    transactions: stats.transactions,
    events: Object.values(eventsByName).reduce((a, b) => a + b, 0),
    eventsByName,
    gasUsed: stats.gasUsed,
    elapsedMs: performance.now() - context.started,
    simulatedOrders: orders.map((order) => ({
      orderId: order.orderId,
      kind: order.kind === "cardSingle" || order.kind === "cardBatch" ? "card" : "token",
      restaurantId: order.restaurantId as bigint,
      customer: order.customer,
      amount: order.amount,
      status: order.status as SimulatedOrderStatus,
    })),
  };

  function sendCardRefund(order: PlannedOrder, afterRateChange: boolean): void {
    const partial = order.refund === "partial";
    const amount = partial ? (order.amount * BigInt(random.int(10, 60))) / 100n : order.amount;
    chain.send({
      from: accounts.settler,
      to: c.orderSettlement.address,
      data: encodeFunctionData({
        abi: c.orderSettlement.abi,
        functionName: "recordCardRefund",
        args: [order.orderId, amount, label(`refund:${order.index}`)],
      }),
      gas: GAS.cardRefund,
      what: partial ? "recordCardRefund (partial)" : "recordCardRefund (full)",
    });
    if (partial) counts.cardRefundsPartial++;
    else {
      counts.cardRefundsFull++;
      order.status = "card_refunded";
    }
    if (afterRateChange && order.refundAfterRateChange) counts.cardRefundsAfterRateChange++;
  }

  function sendBurn(spendable: Map<Address, bigint>): boolean {
    const holder = accounts.customers.find((customer) => (spendable.get(customer) ?? 0n) >= HOTPOT);
    if (holder === undefined) return false;
    const amount = ((spendable.get(holder) ?? 0n) / 10n / 10n ** 15n) * 10n ** 15n;
    debit(spendable, holder, amount);
    chain.send({
      from: holder,
      to: c.hotPotToken.address,
      data: encodeFunctionData({ abi: c.hotPotToken.abi, functionName: "burn", args: [amount] }),
      gas: GAS.burn,
      what: "HOTPOT burn",
    });
    counts.loyaltyBurns++;
    return true;
  }
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function debit(balances: Map<Address, bigint>, account: Address, amount: bigint): void {
  const current = balances.get(account);
  if (current === undefined) return; // custodial customers: nobody spends their points here
  balances.set(account, current > amount ? current - amount : 0n);
}

interface CardPaymentEntry {
  readonly orderId: Hex;
  readonly restaurantId: bigint;
  readonly customer: Address;
  readonly amount: bigint;
  readonly paymentRef: Hex;
  readonly receiptDigest: Hex;
}

function receiptDigestOf(order: PlannedOrder): Hex {
  return sha256(
    toHex(
      JSON.stringify({ order: order.orderId, restaurant: String(order.restaurantId), total: String(order.amount) }),
    ),
  );
}

/** HOTPOT balances of the customers who hold keys (what they may spend this wave). */
async function loyaltyBalances(
  chain: BlockBuilder,
  c: LocalContracts,
  customers: readonly Address[],
): Promise<Map<Address, bigint>> {
  const balances = await Promise.all(
    customers.map((customer) =>
      chain.publicClient.readContract({ ...c.hotPotToken, functionName: "balanceOf", args: [customer] }),
    ),
  );
  return new Map(customers.map((customer, i) => [customer, balances[i] ?? 0n]));
}

/** `count` consecutive restaurant ids after the highest one registered so far (ids of earlier runs are kept). */
async function freeRestaurantIds(chain: BlockBuilder, c: LocalContracts, count: number): Promise<bigint[]> {
  const probe = 64;
  let base = 1n;
  let highest = 0n;
  for (;;) {
    const ids = Array.from({ length: probe }, (_, i) => base + BigInt(i));
    const known = await Promise.all(
      ids.map((id) =>
        chain.publicClient
          .readContract({ ...c.franchiseNFT, functionName: "franchiseOf", args: [id] })
          .then(() => true)
          .catch(() => false),
      ),
    );
    known.forEach((isKnown, i) => {
      if (isKnown) highest = at(ids, i);
    });
    if (!known.some(Boolean) || highest < base + BigInt(probe) - 1n) break;
    base += BigInt(probe);
  }
  return Array.from({ length: count }, (_, i) => highest + 1n + BigInt(i));
}

async function countEvents(
  chain: BlockBuilder,
  c: LocalContracts,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<Record<string, number>> {
  const names = new Map<string, string>();
  for (const contract of [c.kycRegistry, c.hotPotToken, c.franchiseNFT, c.orderSettlement]) {
    for (const item of contract.abi) {
      if (item.type === "event") names.set(`${contract.address.toLowerCase()}:${toEventSelector(item)}`, item.name);
    }
  }
  const logs = await chain.publicClient.request({
    method: "eth_getLogs",
    params: [
      {
        address: [c.kycRegistry.address, c.hotPotToken.address, c.franchiseNFT.address, c.orderSettlement.address],
        fromBlock: toHex(fromBlock),
        toBlock: toHex(toBlock),
      },
    ],
  });
  const counts: Record<string, number> = {};
  for (const entry of logs) {
    const name = names.get(`${entry.address.toLowerCase()}:${entry.topics[0] ?? ""}`) ?? "unknown";
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/**
 * The orders in chain order. The first eight are fixed so that every flow happens even in a
 * short run: card payments that give the wallet customers points, a fulfilled permit order, a
 * refunded allowance order, the order reclaimed after the time jump, and card refunds (the
 * partial one comes after the card reward rate changes). The rest is drawn at random.
 */
function planOrders(
  count: number,
  random: Random,
  accounts: Accounts,
  custodial: readonly Address[],
  label: (text: string) => Hex,
): PlannedOrder[] {
  const [alice, bob, carol] = [at(accounts.customers, 0), at(accounts.customers, 1), at(accounts.customers, 2)];
  const fixed: Partial<PlannedOrder>[] = [
    { kind: "cardSingle", customer: alice, amount: 15_000n },
    { kind: "cardBatch", customer: bob, amount: 12_000n },
    { kind: "cardBatch", customer: carol, amount: 9_000n },
    { kind: "tokenPermit", customer: at(accounts.customers, 3), outcome: "fulfil" },
    { kind: "tokenAllowance", customer: at(accounts.customers, 4), outcome: "refund" },
    { kind: "tokenPermit", customer: alice, outcome: "reclaim" },
    { kind: "cardSingle", customer: at(custodial, 0), refund: "partial", refundAfterRateChange: true },
    { kind: "cardBatch", customer: at(custodial, 1), refund: "full" },
  ];
  const orders: PlannedOrder[] = [];
  for (let index = 0; index < count; index++) {
    const roll = random.next();
    const kind: OrderKind =
      roll < 0.2 ? "cardSingle" : roll < 0.6 ? "cardBatch" : roll < 0.8 ? "tokenPermit" : "tokenAllowance";
    const card = kind === "cardSingle" || kind === "cardBatch";
    const outcomeRoll = random.next();
    const refundRoll = random.next();
    const drawn: PlannedOrder = {
      index,
      orderId: label(`order:${index}`),
      kind,
      customer: card && random.chance(0.6) ? random.pick(custodial) : random.pick(accounts.customers),
      restaurantSlot: random.int(0, RESTAURANT_FEES_BPS.length - 1),
      amount: priceOf(random),
      outcome: outcomeRoll < 0.75 ? "fulfil" : outcomeRoll < 0.9 ? "refund" : "escrow",
      refund: !card || refundRoll >= 0.1 ? "none" : refundRoll < 0.05 ? "partial" : "full",
      refundAfterRateChange: false,
      wantsDiscount: !card && random.chance(0.3),
    };
    const forced = fixed[index];
    orders.push(forced === undefined ? drawn : { ...drawn, ...forced, wantsDiscount: false });
  }
  return orders;
}

/** Waves of orders: the first holds the fixed orders, the others 4 to MAX_WAVE orders each. */
function planWaves(count: number, random: Random): { start: number; end: number }[] {
  const waves = [{ start: 0, end: Math.min(8, count) }];
  const largest = Math.max(4, Math.min(MAX_WAVE, Math.ceil((count - 8) / 3)));
  let start = waves[0]?.end ?? 0;
  while (start < count) {
    const end = Math.min(count, start + random.int(Math.min(4, largest), largest));
    waves.push({ start, end });
    start = end;
  }
  return waves;
}
