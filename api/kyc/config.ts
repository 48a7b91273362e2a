/** The KYC verifier the settings name (lib/config.ts reads KYC_PROVIDER and Onfido's variables). */
import type { KycSettings } from "../../lib/config.ts";
import { createOnfidoProvider } from "./providers/onfido.ts";
import { manualReview, type KycProvider } from "./provider.ts";

export type KycProviderName = KycSettings["provider"];

export interface KycProviderSettings {
  readonly name: KycProviderName;
  readonly provider: KycProvider;
  /** Set for Onfido: the token its webhooks are signed with (mount onfidoWebhook with it). */
  readonly webhook?: { readonly webhookToken: string };
}

export function kycProviderFrom(settings: KycSettings): KycProviderSettings {
  if (settings.provider === "manual") return { name: "manual", provider: manualReview };
  const { apiToken, workflowId, webhookToken, apiUrl } = settings;
  return {
    name: "onfido",
    provider: createOnfidoProvider({ apiToken, workflowId, ...(apiUrl === undefined ? {} : { basePath: apiUrl }) }),
    webhook: { webhookToken },
  };
}
