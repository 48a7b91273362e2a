/**
 * For component tests: renders a page inside the providers App.tsx gives it (wallet, queries,
 * session, router), as a signed-in person with `roles` (the session the API would have handed out,
 * restored from localStorage as after a reload), or signed out. Queries are not retried, so a
 * failure shows at once.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { WagmiProvider } from "wagmi";

import type { Schemas } from "./api/rest.ts";
import { SessionProvider } from "./auth/session.tsx";
import { wagmiConfig } from "./auth/wallet.ts";

export const TEST_USER: Schemas["User"] = {
  id: "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c",
  address: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  custodial: false,
  roles: [],
  created_at: "2026-12-01T09:00:00.000Z",
};

export function renderAs(roles: Schemas["User"]["roles"] | "signed out", page: ReactNode): void {
  if (roles === "signed out") localStorage.removeItem("hotpot.session");
  else {
    const expiresAt = new Date(Date.now() + 15 * 60_000).toISOString();
    localStorage.setItem(
      "hotpot.session",
      JSON.stringify({ token: "test-token", expiresAt, user: { ...TEST_USER, roles } }),
    );
  }
  render(
    <WagmiProvider config={wagmiConfig}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <SessionProvider>
          <MemoryRouter>{page}</MemoryRouter>
        </SessionProvider>
      </QueryClientProvider>
    </WagmiProvider>,
  );
}
