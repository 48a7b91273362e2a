/**
 * REST: what the web app needs to know about the server before it draws a page (`/api/v1/config`).
 * Today that is how cards are taken: the local card processor's form, or Stripe's Elements with the
 * account's publishable key (public by Stripe's design: it can only create tokens, never charge).
 */
import * as z from "zod";

import { defineRoute, type Route } from "../rest/route.ts";

/** How the web app takes cards; the publishable key comes from STRIPE_PUBLISHABLE_KEY (lib/config.ts). */
export type CardMode =
  { readonly provider: "local" } | { readonly provider: "stripe"; readonly publishableKey: string };

export interface ClientConfig {
  readonly card: CardMode;
}

/** Stripe's Elements when a publishable key is configured, else the local form. */
export function clientConfigFor(stripe: { readonly publishableKey?: string }): ClientConfig {
  return {
    card:
      stripe.publishableKey === undefined
        ? { provider: "local" }
        : { provider: "stripe", publishableKey: stripe.publishableKey },
  };
}

const CardConfig = z
  .discriminatedUnion("provider", [
    z.object({
      provider: z.literal("local").meta({
        description: "The local card processor: the web app's own card form, Stripe's test cards",
      }),
    }),
    z.object({
      provider: z.literal("stripe").meta({ description: "Stripe: confirm the PaymentIntent with Stripe's Elements" }),
      publishable_key: z.string().meta({ description: "Load Stripe.js with this key", examples: ["pk_test_51H…"] }),
    }),
  ])
  .meta({ id: "CardConfig" });

const ClientConfigSchema = z
  .object({ card: CardConfig })
  .meta({ id: "ClientConfig", examples: [{ card: { provider: "local" } }] });

export function clientConfigRoutes(config: ClientConfig): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/config",
      operationId: "getClientConfig",
      summary: "How the web app takes payments",
      description:
        "Public, no credential: card.provider is local (the local card processor's form) or stripe " +
        "(Stripe's Elements, loaded with card.publishable_key; pay the order's client_secret with stripe.confirmPayment).",
      tags: ["config"],
      access: "public",
      responses: { 200: { description: "The web app's settings", schema: ClientConfigSchema } },
      handle() {
        const { card } = config;
        return Promise.resolve({
          status: 200,
          // Settings change with a restart: the app asks once per page load, and always gets the current answer.
          headers: { "Cache-Control": "no-cache" },
          body: {
            card:
              card.provider === "stripe"
                ? { provider: "stripe", publishable_key: card.publishableKey }
                : { provider: "local" },
          },
        });
      },
    }),
  ];
}
