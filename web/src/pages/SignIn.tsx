import { useMutation } from "@tanstack/react-query";
import { useState, type SyntheticEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { ApiProblem } from "../api/rest.ts";
import { useSession } from "../auth/session.tsx";
import { Field, FormError } from "../components/states.tsx";

/** The ways in: a wallet (SIWE), a new account without a wallet, or the key of an existing one. */
export function SignInChoices(): ReactNode {
  const { t } = useTranslation();
  const { signInWithWallet, createCustodial, signInWithKey } = useSession();
  const [accountKey, setAccountKey] = useState("");
  const wallet = useMutation({ mutationFn: signInWithWallet });
  const custodial = useMutation({ mutationFn: createCustodial });
  const withKey = useMutation({ mutationFn: () => signInWithKey(accountKey.trim()) });
  const keyError = withKey.error instanceof ApiProblem && withKey.error.status === 401 ? t("signIn.badKey") : undefined;
  return (
    <div className="sign-in">
      <div className="choice">
        <h2>{t("signIn.wallet")}</h2>
        <p className="muted">{t("signIn.walletHint")}</p>
        <button
          type="button"
          data-testid="sign-in-wallet"
          disabled={wallet.isPending}
          onClick={() => {
            wallet.mutate();
          }}
        >
          {t("signIn.walletButton")}
        </button>
        <FormError error={wallet.error} />
      </div>
      <div className="choice">
        <h2>{t("signIn.noWallet")}</h2>
        <p className="muted">{t("signIn.noWalletHint")}</p>
        <button
          type="button"
          data-testid="sign-in-custodial"
          disabled={custodial.isPending}
          onClick={() => {
            custodial.mutate();
          }}
        >
          {t("signIn.createAccount")}
        </button>
        <FormError error={custodial.error} />
      </div>
      <form
        className="choice"
        onSubmit={(event: SyntheticEvent) => {
          event.preventDefault();
          withKey.mutate();
        }}
      >
        <h2>{t("signIn.haveKey")}</h2>
        <Field id="account-key-input" label={t("signIn.accountKey")} error={keyError}>
          {(aria) => (
            <input
              {...aria}
              value={accountKey}
              autoComplete="off"
              onChange={(event) => {
                setAccountKey(event.target.value);
              }}
            />
          )}
        </Field>
        <button type="submit" disabled={withKey.isPending || accountKey.trim() === ""}>
          {t("signIn.signInWithKey")}
        </button>
        {keyError === undefined && <FormError error={withKey.error} />}
      </form>
    </div>
  );
}

export function SignIn(): ReactNode {
  const { t } = useTranslation();
  const { session } = useSession();
  const navigate = useNavigate();
  return (
    <section>
      <h1>{t("signIn.title")}</h1>
      {session === undefined ? (
        <SignInChoices />
      ) : (
        <p>
          {t("signIn.signedInAs", { address: session.user.address })}{" "}
          <button type="button" onClick={() => void navigate("/")}>
            {t("signIn.continue")}
          </button>
        </p>
      )}
    </section>
  );
}
