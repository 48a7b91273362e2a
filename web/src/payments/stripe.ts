/**
 * Stripe.js, loaded only when the server says Stripe takes the cards: the npm module is a separate
 * chunk, and it fetches the script from js.stripe.com (Stripe requires that; the CSP allows it only
 * in Stripe mode) when first called. One instance per publishable key, as Stripe recommends.
 */
import type { Stripe } from "@stripe/stripe-js";

const loaded = new Map<string, Promise<Stripe | null>>();

export function stripeFor(publishableKey: string): Promise<Stripe | null> {
  let stripe = loaded.get(publishableKey);
  if (stripe === undefined) {
    // The pure entry does not add the script on import, only when loadStripe runs.
    stripe = import("@stripe/stripe-js/pure")
      .then(({ loadStripe }) => loadStripe(publishableKey))
      .catch((error: unknown) => {
        // A script that did not load (offline, blocked) is tried again on the next attempt.
        loaded.delete(publishableKey);
        throw error;
      });
    loaded.set(publishableKey, stripe);
  }
  return stripe;
}
