import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";

import { useSession } from "../auth/session.tsx";
import { useCart } from "../cart.tsx";
import { LOCALES } from "../i18n.ts";
import { useKycOfficer } from "../kyc/officer.tsx";

export function Layout(): ReactNode {
  const { t, i18n } = useTranslation();
  const { session, me, signOut, hasRole, newAccountKey, dismissAccountKey } = useSession();
  const { cart } = useCart();
  const items = cart.lines.reduce((sum, line) => sum + line.quantity, 0);
  const franchisee = (me?.restaurant_ids.length ?? 0) > 0;
  const officer = useKycOfficer();
  // At phone width the links fold behind a button (styles.css); following one folds them again.
  const [navOpen, setNavOpen] = useState(false);
  return (
    <>
      <a className="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header className="top">
        <NavLink to="/" className="brand">
          {t("app.name")}
        </NavLink>
        <button
          type="button"
          className="nav-toggle secondary"
          aria-expanded={navOpen}
          aria-controls="site-nav"
          data-testid="nav-toggle"
          onClick={() => {
            setNavOpen(!navOpen);
          }}
        >
          {t("nav.toggle")}
        </button>
        <nav
          id="site-nav"
          aria-label={t("nav.label")}
          className={navOpen ? "open" : undefined}
          onClick={(event) => {
            if (event.target instanceof Element && event.target.closest("a") !== null) setNavOpen(false);
          }}
        >
          <NavLink to="/">{t("nav.restaurants")}</NavLink>
          <NavLink to="/cart">{t("nav.cart", { count: items })}</NavLink>
          {session !== undefined && <NavLink to="/loyalty">{t("nav.loyalty")}</NavLink>}
          {session !== undefined && <NavLink to="/my-orders">{t("nav.myOrders")}</NavLink>}
          {session !== undefined && (
            <NavLink to="/kyc" end>
              {t("kyc.nav")}
            </NavLink>
          )}
          {session !== undefined && <NavLink to="/account">{t("account.nav")}</NavLink>}
          {(franchisee || hasRole("admin")) && <NavLink to="/menu">{t("nav.menu")}</NavLink>}
          {(franchisee || hasRole("admin")) && <NavLink to="/orders">{t("nav.orders")}</NavLink>}
          {(franchisee || hasRole("admin")) && <NavLink to="/revenue">{t("revenue.nav")}</NavLink>}
          {(franchisee || hasRole("admin")) && <NavLink to="/stream">{t("stream.nav")}</NavLink>}
          {(franchisee || hasRole("admin")) && <NavLink to="/api-keys">{t("apiKeys.nav")}</NavLink>}
          {session !== undefined && <NavLink to="/register">{t("nav.register")}</NavLink>}
          {hasRole("admin") && <NavLink to="/admin/applications">{t("nav.admin")}</NavLink>}
          {(hasRole("auditor") || hasRole("admin")) && (
            <NavLink to="/audit" end>
              {t("nav.audit")}
            </NavLink>
          )}
          {(hasRole("auditor") || hasRole("admin")) && (
            <NavLink to="/audit/reconciliation">{t("nav.reconciliation")}</NavLink>
          )}
          {(hasRole("auditor") || hasRole("admin")) && <NavLink to="/audit/access-log">{t("nav.accessLog")}</NavLink>}
          {officer && <NavLink to="/kyc/review">{t("kycReview.nav")}</NavLink>}
        </nav>
        <div className="account">
          <label className="locale">
            <span className="visually-hidden">{t("nav.language")}</span>
            <select
              value={i18n.resolvedLanguage}
              onChange={(event) => void i18n.changeLanguage(event.target.value)}
              data-testid="locale"
            >
              {LOCALES.map((locale) => (
                <option key={locale} value={locale}>
                  {t(`locales.${locale}`)}
                </option>
              ))}
            </select>
          </label>
          {session === undefined ? (
            <NavLink to="/sign-in">{t("nav.signIn")}</NavLink>
          ) : (
            <>
              <span className="address" title={session.user.address} data-testid="signed-in-as">
                {session.user.address.slice(0, 6)}…{session.user.address.slice(-4)}
              </span>
              <button type="button" onClick={signOut}>
                {t("nav.signOut")}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main">
        {newAccountKey !== undefined && (
          <div role="status" className="notice">
            <p>{t("signIn.keepKey")}</p>
            <code data-testid="account-key">{newAccountKey}</code>
            <button type="button" onClick={dismissAccountKey}>
              {t("signIn.keptKey")}
            </button>
          </div>
        )}
        <Outlet />
      </main>
    </>
  );
}
