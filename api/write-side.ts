/**
 * Puts the write side together: sign-in, the relayer (the API's only way to the chain), the card
 * processor (Stripe, or whatever Stripe-compatible API its settings name) and the services every
 * route uses. `npm start` and the end-to-end tests build it the same way.
 */
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Address, PublicClient } from "viem";

import type { Deployment } from "../lib/chain/deployment.ts";
import type { StripeSettings } from "../lib/config.ts";
import type { Database } from "../lib/db/client.ts";
import type { Keyring } from "../lib/crypto/index.ts";
import type { ContentStore } from "../lib/ipfs/index.ts";
import { createStripeProcessor } from "./payments/providers/stripe.ts";
import type { WriteSide } from "./app.ts";
import { clientConfigFor } from "./client-config/routes.ts";
import { createAuth, type Auth, type AuthOptions } from "./auth/index.ts";
import { onfidoWebhook } from "./kyc/providers/onfido.ts";
import { manualReview, type KycProvider } from "./kyc/provider.ts";
import { createKycService, type KycService } from "./kyc/service.ts";
import { createAccessLog, type AccessLog } from "./people/access-log.ts";
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
  /** Stripe, or a Stripe-compatible API (`apiUrl`: the local card processor `npm start` runs). */
  readonly stripe: StripeSettings;
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
  /** Starts the relayer (takes its sender lock, recovers stored transactions), unless it runs apart. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function addressOf(deployment: Deployment, name: string): Address {
  const contract = deployment.contracts.find((candidate) => candidate.name === name);
  if (contract === undefined) throw new Error(`the deployment has no ${name}`);
  return contract.address;
}

export async function createWriteSide(options: WriteSideOptions): Promise<WriteSideParts> {
  const { db, logger, deployment } = options;
  const chainId = deployment.chainId;
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
    cards: createStripeProcessor(options.stripe),
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
      services: {
        auth: { db, siwe: auth.siwe, custodial: auth.custodial, apiKeys: auth.apiKeys, access: auth.access },
        kyc,
        vault,
        accessLog,
        streams: streaming.service,
        clientConfig: clientConfigFor(options.stripe),
      },
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
    start: () => (options.relayer.inProcess === false ? Promise.resolve() : relayer.start()),
    async stop(): Promise<void> {
      await streaming.close();
      await relayer.stop();
    },
  };
}
