// The one place the app builds its Stripe client: real Stripe when a secret key is configured,
// otherwise the local card processor, with identical SDK calls either way.
import Stripe from "stripe";
import type { CardProcessor } from "./server.ts";

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
}

/** Real Stripe settings from the environment, or undefined when the local processor should be used. */
export function stripeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StripeSettings | undefined {
  const secretKey = env.STRIPE_SECRET_KEY?.trim() ?? "";
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim() ?? "";
  if (secretKey === "" && webhookSecret === "") return undefined;
  // Half a configuration would send payments to Stripe while webhooks could never verify.
  if (secretKey === "" || webhookSecret === "") {
    throw new Error("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together");
  }
  return { secretKey, webhookSecret };
}

export type StripeTarget = StripeSettings | Pick<CardProcessor, "apiKey" | "webhookSecret" | "stripeConfig">;

export interface StripeClient {
  stripe: Stripe;
  webhookSecret: string;
  local: boolean;
}

export function createStripeClient(target: StripeTarget, config: Stripe.StripeConfig = {}): StripeClient {
  if ("secretKey" in target) {
    return { stripe: new Stripe(target.secretKey, config), webhookSecret: target.webhookSecret, local: false };
  }
  return {
    stripe: new Stripe(target.apiKey, { ...config, ...target.stripeConfig }),
    webhookSecret: target.webhookSecret,
    local: true,
  };
}
