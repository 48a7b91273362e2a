/**
 * Kitchen live streams as the apps see them: which restaurants are live, and one restaurant's
 * stream, read over GraphQL and kept current by the `kitchenStreamChanged` subscription (each
 * change refetches, so an event that overtakes the first answer is never lost).
 */
import { useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useEffect } from "react";

import { query, subscribe } from "./api/graphql.ts";
import { graphql } from "./generated/gql/index.ts";
import type { KitchenStreamQuery } from "./generated/gql/graphql.ts";

const LiveKitchens = graphql(`
  query LiveKitchens {
    liveKitchenStreams {
      restaurantId
    }
  }
`);

const KitchenStream = graphql(`
  query KitchenStream($restaurantId: BigInt!) {
    kitchenStream(restaurantId: $restaurantId) {
      restaurantId
      provider
      status
      live
      playbackUrl
      liveSince
      hoursStreamed
    }
  }
`);

const KitchenStreamChanged = graphql(`
  subscription KitchenStreamChanged($restaurantId: BigInt) {
    kitchenStreamChanged(restaurantId: $restaurantId) {
      restaurantId
      status
    }
  }
`);

export type KitchenStreamState = NonNullable<KitchenStreamQuery["kitchenStream"]>;

/** Refetches the query ["kitchens", `id`] whenever a stream changes (only `restaurantId`'s, when given). */
function useRefetchOnChange(id: string, restaurantId?: string): void {
  const queries = useQueryClient();
  useEffect(
    () =>
      subscribe(KitchenStreamChanged, restaurantId === undefined ? {} : { restaurantId }, () => {
        void queries.invalidateQueries({ queryKey: ["kitchens", id] });
      }),
    [queries, id, restaurantId],
  );
}

/** Ids of the restaurants streaming their kitchen now. */
export function useLiveKitchens(): UseQueryResult<ReadonlySet<string>> {
  useRefetchOnChange("live");
  return useQuery({
    queryKey: ["kitchens", "live"],
    queryFn: async (): Promise<ReadonlySet<string>> =>
      new Set((await query(LiveKitchens, {})).liveKitchenStreams.map((stream) => stream.restaurantId)),
  });
}

/** A restaurant's kitchen stream; null when it never started one. */
export function useKitchenStream(restaurantId: string): UseQueryResult<KitchenStreamState | null> {
  useRefetchOnChange(restaurantId, restaurantId);
  return useQuery({
    queryKey: ["kitchens", restaurantId],
    queryFn: async () => (await query(KitchenStream, { restaurantId })).kitchenStream ?? null,
  });
}
