/**
 * Puts the write side together: sign-in, the relayer (the API's only way to the chain), the card
 * processor (Stripe, or the local stand-in speaking its API) and the services every route uses.
 * `npm start` and the end-to-end tests build it the same way.
 */
import { randomBytes } from "node:crypto";

import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Address, PublicClient } from "viem";

import { createStripeClient, type StripeSettings } from "../lib/card-processor/client.ts";
import { startCardProcessor, type CardProcessor } from "../lib/card-processor/server.ts";
import type { Deployment } from "../lib/chain/deployment.ts";
import type { Database } from "../lib/db/client.ts";
import type { Keyring } from "../lib/crypto/index.ts";
import type { ContentStore } from "../lib/ipfs/index.ts";
import type { WriteSide } from "./app.ts";
import { createAuth, type Auth, type AuthOptions } from "./auth/index.ts";
import { onfidoWebhook } from "./kyc/onfido.ts";
import { kycRoutes } from "./kyc/routes.ts";
import { manualReview, type KycProvider } from "./kyc/providers.ts";
import { createKycService, type KycService } from "./kyc/service.ts";
import { createAccessLog, type AccessLog } from "./people/access-log.ts";
import { peopleRoutes } from "./people/routes.ts";
import { createPersonVault, type PersonVault } from "./people/vault.ts";
import type { Platform } from "./platform.ts";
import {
  createRelayer,
  type Relayer,
  type RelayerAccounts,
  type RelayerHooks,
  type RelayerOptions,
} from "./relayer/index.ts";
import type { RateLimits } from "./rest/index.ts";
import { startStreaming, type Streaming, type StreamingConfig } from "./streams/index.ts";
import { streamRoutes } from "./streams/routes.ts";
import type { StreamService } from "./streams/service.ts";
import type { Route } from "./rest/route.ts";

export interface WriteSideOptions {
  readonly db: Database;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly client: PublicClient;
  readonly deployment: Deployment;
  readonly contentStore: ContentStore;
  readonly auth: Omit<AuthOptions, "db">;
  readonly relayer: {
    readonly accounts: RelayerAccounts;
    readonly options?: Partial<RelayerOptions>;
    readonly hooks?: RelayerHooks;
    /** False: another process drains the outbox (`npm run relayer`); this one enqueues and reads the chain. Default true. */
    readonly inProcess?: boolean;
  };
  /** Real Stripe; without it a local card processor is started that posts its webhooks to `webhookUrl`. */
  readonly stripe?: StripeSettings;
  readonly localCardProcessor?: {
    readonly webhookUrl: string;
    readonly port?: number;
    readonly autoConfirm?: boolean;
    /** Where it keeps its state across restarts (lib/card-processor); in memory without it. */
    readonly journalFile?: string;
  };
  /** The stable token token orders are paid in; default: the deployment's TestGEL. */
  readonly paymentToken?: Address;
  readonly rateLimits?: RateLimits;
  /** Personal data: the master keys and the blind-index key (see lib/crypto). */
  readonly people: { readonly keyring: Keyring; readonly blindIndexKey: Uint8Array };
  /** Who verifies identities; default manual review by KYC officers. */
  readonly kycProvider?: KycProvider;
  /** The vendor's webhook settings, when `kycProvider` is a vendor (Onfido). */
  readonly kycWebhook?: { readonly webhookToken: string };
  /** Kitchen streams: providers, the local media server, and where it keeps its state. */
  readonly streaming: { readonly config: StreamingConfig; readonly dataDir: string };
}

export interface WriteSideParts {
  readonly write: WriteSide;
  readonly platform: Platform;
  readonly auth: Auth;
  readonly relayer: Relayer;
  readonly vault: PersonVault;
  readonly accessLog: AccessLog;
  readonly kyc: KycService;
  readonly streaming: Streaming;
  /** The local card processor, when no Stripe account is configured. */
  readonly cardProcessor: CardProcessor | undefined;
  /** Starts the relayer (takes its sender lock, recovers stored transactions), unless it runs apart. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Sign-in, KYC, personal-data and kitchen-stream routes, in the order the OpenAPI document lists them. */
export function accountRoutes(services: {
  readonly authRoutes: readonly Route[];
  readonly kyc: KycService;
  readonly vault: PersonVault;
  readonly accessLog: AccessLog;
  readonly streams: StreamService;
}): Route[] {
  return [
    ...services.authRoutes,
    ...kycRoutes(services.kyc),
    ...peopleRoutes(services.vault, services.accessLog),
    ...streamRoutes(services.streams),
  ];
}

function addressOf(deployment: Deployment, name: string): Address {
  const contract = deployment.contracts.find((candidate) => candidate.name === name);
  if (contract === undefined) throw new Error(`the deployment has no ${name}`);
  return contract.address;
}

export async function createWriteSide(options: WriteSideOptions): Promise<WriteSideParts> {
  const { db, logger, deployment } = options;
  const chainId = deployment.chainId;
  const cardProcessor =
    options.stripe === undefined
      ? await startCardProcessor({
          webhookSecret: `whsec_${randomBytes(24).toString("base64url")}`,
          webhookUrl: options.localCardProcessor?.webhookUrl,
          port: options.localCardProcessor?.port,
          autoConfirm: options.localCardProcessor?.autoConfirm,
          journalFile: options.localCardProcessor?.journalFile,
        })
      : undefined;
  try {
    const cards = createStripeClient(options.stripe ?? (cardProcessor as CardProcessor));
    const auth = createAuth({ db, ...options.auth });
    const relayer = createRelayer({
      db,
      client: options.client,
      chainId,
      deployment,
      accounts: options.relayer.accounts,
      logger: logger.child({ part: "relayer" }),
      registry: options.registry,
      options: options.relayer.options,
      hooks: options.relayer.hooks,
    });
    const platform: Platform = {
      db,
      logger,
      chainId,
      contentStore: options.contentStore,
      chain: relayer,
      cards: { stripe: cards.stripe, webhookSecret: cards.webhookSecret },
      access: auth.access,
      contracts: {
        orderSettlement: addressOf(deployment, "OrderSettlement"),
        paymentToken: options.paymentToken ?? addressOf(deployment, "TestGEL"),
      },
    };
    const accessLog = createAccessLog(db.pool);
    const vault = createPersonVault({
      db: db.pool,
      keyring: options.people.keyring,
      blindIndexKey: options.people.blindIndexKey,
      accessLog,
    });
    const kyc = createKycService({ platform, vault, provider: options.kycProvider ?? manualReview });
    const kycWebhook =
      options.kycWebhook === undefined
        ? undefined
        : onfidoWebhook({
            kyc,
            db,
            webhookToken: options.kycWebhook.webhookToken,
            logger: logger.child({ part: "kyc" }),
          });
    const streaming = await startStreaming({
      db,
      logger: logger.child({ part: "streams" }),
      registry: options.registry,
      access: auth.access,
      config: options.streaming.config,
      dataDir: options.streaming.dataDir,
    });
    return {
      write: {
        platform,
        authenticate: auth.authenticate,
        routes: accountRoutes({ authRoutes: auth.routes, kyc, vault, accessLog, streams: streaming.service }),
        twitchWebhook: streaming.twitchWebhook,
        kycWebhook,
        rateLimits: options.rateLimits,
        kyc,
      },
      platform,
      auth,
      relayer,
      vault,
      accessLog,
      kyc,
      streaming,
      cardProcessor,
      start: () => (options.relayer.inProcess === false ? Promise.resolve() : relayer.start()),
      async stop(): Promise<void> {
        await streaming.close();
        await relayer.stop();
        await cardProcessor?.stop();
      },
    };
  } catch (error) {
    await cardProcessor?.stop();
    throw error;
  }
}
