/**
 * Who is signed in: a session token from the API (SIWE with a wallet, or a custodial account for
 * customers without one), kept in localStorage so a reload keeps the person signed in, and
 * `/auth/me` (roles, restaurants owned on chain) refreshed through TanStack Query.
 */
import { useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { createContext, use, useCallback, useMemo, useState, type ReactNode } from "react";

import { api, call, setBearer, type Schemas } from "../api/rest.ts";

const STORAGE_KEY = "hotpot.session";

export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: Schemas["User"];
}

export type Me = Schemas["Me"];

interface SessionContextValue {
  readonly session: Session | undefined;
  readonly me: Me | undefined;
  /** A custodial account's key, shown once after it was created until the person dismisses it. */
  readonly newAccountKey: string | undefined;
  dismissAccountKey: () => void;
  signInWithWallet: () => Promise<void>;
  /** Creates a custodial account; resolves to its one-time account key. */
  createCustodial: () => Promise<string>;
  signInWithKey: (accountKey: string) => Promise<void>;
  signOut: () => void;
  hasRole: (role: Schemas["User"]["roles"][number]) => boolean;
}

/** `/auth/me` of the person signed in as `userId`; pages that show its loading and error states ask for it too. */
export function useMeQuery(userId: string | undefined): UseQueryResult<Me> {
  return useQuery({
    queryKey: ["me", userId],
    enabled: userId !== undefined,
    queryFn: () => call(api.GET("/api/v1/auth/me")),
  });
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

function restore(): Session | undefined {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    if (text == null) return undefined;
    const saved = JSON.parse(text) as Session;
    if (new Date(saved.expiresAt).getTime() <= Date.now()) return undefined;
    setBearer(saved.token);
    return saved;
  } catch {
    return undefined;
  }
}

export function SessionProvider({ children }: { children: ReactNode }): ReactNode {
  const [session, setSession] = useState<Session | undefined>(restore);
  const [newAccountKey, setNewAccountKey] = useState<string>();
  const queries = useQueryClient();

  const keep = useCallback(
    (next: Session | undefined) => {
      setBearer(next?.token);
      if (next === undefined) localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      setSession(next);
      queries.clear();
    },
    [queries],
  );

  const me = useMeQuery(session?.user.id);

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      me: me.data,
      newAccountKey,
      dismissAccountKey() {
        setNewAccountKey(undefined);
      },
      async signInWithWallet() {
        const { signInMessage } = await import("./wallet.ts");
        const challenge = await call(api.GET("/api/v1/auth/nonce"));
        const { message, signature } = await signInMessage(challenge);
        const signed = await call(api.POST("/api/v1/auth/siwe", { body: { message, signature } }));
        keep({ token: signed.token, expiresAt: signed.expires_at, user: signed.user });
      },
      async createCustodial() {
        const created = await call(api.POST("/api/v1/auth/custodial"));
        keep({ token: created.token, expiresAt: created.expires_at, user: created.user });
        setNewAccountKey(created.account_key);
        return created.account_key;
      },
      async signInWithKey(accountKey: string) {
        const signed = await call(api.POST("/api/v1/auth/token", { body: { account_key: accountKey } }));
        keep({ token: signed.token, expiresAt: signed.expires_at, user: signed.user });
      },
      signOut() {
        keep(undefined);
      },
      hasRole(role) {
        return session?.user.roles.includes(role) ?? false;
      },
    }),
    [session, me.data, newAccountKey, keep],
  );
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionContextValue {
  const value = use(SessionContext);
  if (value === undefined) throw new Error("useSession outside SessionProvider");
  return value;
}
