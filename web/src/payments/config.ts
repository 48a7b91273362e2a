/**
 * What the server says about taking cards (GET /api/v1/config): the local card processor's form, or
 * Stripe's Elements with the account's publishable key. Asked once per page load: it changes only
 * when the server restarts with other settings.
 */
import { useQuery, type UseQueryResult } from "@tanstack/react-query";

import { api, call, type Schemas } from "../api/rest.ts";

export type CardConfig = Schemas["CardConfig"];

export function useCardConfig(): UseQueryResult<CardConfig> {
  return useQuery({
    queryKey: ["config"],
    queryFn: async () => (await call(api.GET("/api/v1/config"))).card,
    staleTime: Infinity,
  });
}
