/**
 * The KYC verifier from the environment:
 *
 *   KYC_PROVIDER          manual (default) | onfido
 *   KYC_API_KEY           Onfido API token (required for onfido)
 *   ONFIDO_WORKFLOW_ID    the Onfido Studio workflow each case runs (required for onfido)
 *   ONFIDO_WEBHOOK_TOKEN  the webhook's signing token, checks X-SHA2-Signature (required for onfido)
 *   ONFIDO_API_URL        the API base path (optional; default https://api.eu.onfido.com/v3.6,
 *                         e.g. https://api.us.onfido.com/v3.6, or a local fake)
 */
import { ConfigError } from "../../lib/errors.ts";
import { createOnfidoProvider } from "./onfido.ts";
import { manualReview, type KycProvider } from "./providers.ts";

export const KYC_PROVIDERS = ["manual", "onfido"] as const;
export type KycProviderName = (typeof KYC_PROVIDERS)[number];

export interface KycProviderSettings {
  readonly name: KycProviderName;
  readonly provider: KycProvider;
  /** Set for Onfido: the token its webhooks are signed with (mount onfidoWebhook with it). */
  readonly webhook?: { readonly webhookToken: string };
}

export function kycProviderFromEnv(env: NodeJS.ProcessEnv = process.env): KycProviderSettings {
  const name = (env.KYC_PROVIDER || "manual") as KycProviderName;
  if (!KYC_PROVIDERS.includes(name)) {
    throw new ConfigError(`KYC_PROVIDER must be one of ${KYC_PROVIDERS.join(", ")}, got "${String(env.KYC_PROVIDER)}"`);
  }
  if (name === "manual") return { name, provider: manualReview };
  const required = (variable: string): string => {
    const value = (env[variable] ?? "").trim();
    if (value === "") throw new ConfigError(`${variable} must be set when KYC_PROVIDER=onfido`);
    return value;
  };
  const apiToken = required("KYC_API_KEY");
  const workflowId = required("ONFIDO_WORKFLOW_ID");
  const webhookToken = required("ONFIDO_WEBHOOK_TOKEN");
  const basePath = (env.ONFIDO_API_URL ?? "").trim();
  if (basePath !== "") {
    let url: URL;
    try {
      url = new URL(basePath);
    } catch {
      throw new ConfigError(`ONFIDO_API_URL must be a URL, got "${basePath}"`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new ConfigError(`ONFIDO_API_URL must be an http(s) URL, got "${basePath}"`);
    }
  }
  return {
    name,
    provider: createOnfidoProvider({ apiToken, workflowId, ...(basePath === "" ? {} : { basePath }) }),
    webhook: { webhookToken },
  };
}
