import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";

import { api, ApiProblem, call, type Schemas } from "../api/rest.ts";
import { Empty, ErrorState, Field, FormError, Loading } from "../components/states.tsx";
import { AdminPage } from "./admin.tsx";

type User = Schemas["User"];
type Role = User["roles"][number];
/** The roles an admin grants (franchisee is whoever owns a franchise NFT on chain). */
const GRANTED: readonly Role[] = ["admin", "kyc_officer", "auditor"];

/** Who holds which role: the holders listed, anyone else found by address; grant and revoke, then save. */
export function AdminRoles(): ReactNode {
  const { t } = useTranslation("admin");
  return (
    <AdminPage title={t("roles.title")}>
      <Roles />
    </AdminPage>
  );
}

function Roles(): ReactNode {
  const { t } = useTranslation("admin");
  const [typed, setTyped] = useState("");
  /** The address searched for; undefined lists the people holding a role. */
  const [searched, setSearched] = useState<string>();
  const [saved, setSaved] = useState("");
  const users = useQuery({
    queryKey: ["users", searched ?? "role holders"],
    queryFn: () =>
      call(
        api.GET("/api/v1/users", {
          params: { query: searched === undefined ? { role: "any", limit: 100 } : { address: searched, limit: 1 } },
        }),
      ),
  });
  // A malformed address is the search field's problem, not the list's.
  const searchIssue = users.error instanceof ApiProblem ? users.error.fields.address : undefined;
  return (
    <>
      <p className="muted">{t("roles.intro")}</p>
      <form
        noValidate
        role="search"
        onSubmit={(event: SyntheticEvent) => {
          event.preventDefault();
          const address = typed.trim();
          setSearched(address === "" ? undefined : address);
        }}
      >
        <Field id="user-search" label={t("roles.search")} hint={t("roles.searchHint")} error={searchIssue}>
          {(aria) => (
            <input
              {...aria}
              data-testid="user-search"
              value={typed}
              placeholder="0x…"
              autoComplete="off"
              onChange={(event) => {
                setTyped(event.target.value);
              }}
            />
          )}
        </Field>
        <div className="row">
          <button type="submit" data-testid="user-search-submit">
            {t("roles.find")}
          </button>
          {searched !== undefined && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setTyped("");
                setSearched(undefined);
              }}
            >
              {t("roles.showHolders")}
            </button>
          )}
        </div>
      </form>
      <p role="status" data-testid="roles-status">
        {saved}
      </p>
      <h2>{searched === undefined ? t("roles.holders") : t("roles.found")}</h2>
      {users.isPending ? (
        <Loading />
      ) : users.isError ? (
        searchIssue === undefined && <ErrorState error={users.error} retry={() => void users.refetch()} />
      ) : users.data.users.length === 0 ? (
        <Empty>{searched === undefined ? t("roles.noHolders") : t("roles.notFound")}</Empty>
      ) : (
        <ul className="cards">
          {users.data.users.map((user) => (
            <UserCard key={user.id} user={user} onSaved={setSaved} />
          ))}
        </ul>
      )}
    </>
  );
}

export function UserCard({ user, onSaved }: { user: User; onSaved: (message: string) => void }): ReactNode {
  const { t, i18n } = useTranslation("admin");
  const queries = useQueryClient();
  const [roles, setRoles] = useState<ReadonlySet<Role>>(new Set(user.roles));
  const names = (list: readonly Role[]): string =>
    list.length === 0 ? t("roles.none") : list.map((role) => t(`roles.names.${role}`)).join(", ");
  const save = useMutation({
    mutationFn: () =>
      call(api.PUT("/api/v1/users/{id}/roles", { params: { path: { id: user.id } }, body: { roles: [...roles] } })),
    onSuccess: async (changed) => {
      onSaved(t("roles.saved", { roles: `${changed.address}: ${names(changed.roles)}` }));
      await queries.invalidateQueries({ queryKey: ["users"] });
    },
  });
  return (
    <li className="card" data-testid="user" data-address={user.address}>
      <form
        noValidate
        onSubmit={(event: SyntheticEvent) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <fieldset>
          <legend className="hash">{t("roles.rolesOf", { address: user.address })}</legend>
          <p className="muted">
            {user.custodial && `${t("roles.custodial")} · `}
            {t("roles.since", { date: new Date(user.created_at).toLocaleDateString(i18n.language) })}
          </p>
          {GRANTED.map((role) => (
            <label key={role} className="inline">
              <input
                type="checkbox"
                data-testid={`role-${role}`}
                checked={roles.has(role)}
                onChange={(event) => {
                  const next = new Set(roles);
                  if (event.target.checked) next.add(role);
                  else next.delete(role);
                  setRoles(next);
                }}
              />
              {t(`roles.names.${role}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit" data-testid="save-roles" disabled={save.isPending}>
          {t("roles.save")}
        </button>
        <FormError error={save.error} />
      </form>
    </li>
  );
}
