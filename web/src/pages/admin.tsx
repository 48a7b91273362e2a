/**
 * What every admin page shares: the admin namespace's strings (added here, so they travel in the
 * admin chunks and customers never download them), the admin pages' own navigation, and the gate:
 * signed-out people get the ways in, everyone but admins a refusal (the API refuses them too).
 */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

import { useSession } from "../auth/session.tsx";
import i18n from "../i18n.ts";
import { adminEn } from "../locales/admin/en.ts";
import { adminKa } from "../locales/admin/ka.ts";
import { adminRu } from "../locales/admin/ru.ts";
import { SignInChoices } from "./SignIn.tsx";

i18n.addResourceBundle("en", "admin", adminEn);
i18n.addResourceBundle("ka", "admin", adminKa);
i18n.addResourceBundle("ru", "admin", adminRu);

function AdminNav(): ReactNode {
  const { t } = useTranslation("admin");
  return (
    <nav aria-label={t("nav.label")} className="subnav">
      <NavLink to="/admin/applications">{t("nav.applications")}</NavLink>
      <NavLink to="/admin/restaurants">{t("nav.restaurants")}</NavLink>
      <NavLink to="/admin/roles">{t("nav.roles")}</NavLink>
      <NavLink to="/admin/parameters">{t("nav.parameters")}</NavLink>
    </nav>
  );
}

/** An admin page: its title, and its content for admins only (content components load their own data). */
export function AdminPage({ title, children }: { title: string; children: ReactNode }): ReactNode {
  const { t } = useTranslation("admin");
  const { session, hasRole } = useSession();
  const admin = hasRole("admin");
  return (
    <section>
      {admin && <AdminNav />}
      <h1>{title}</h1>
      {session === undefined ? (
        <SignInChoices />
      ) : admin ? (
        children
      ) : (
        <p role="alert" className="error-box" data-testid="admin-only">
          {t("adminOnly")}
        </p>
      )}
    </section>
  );
}
