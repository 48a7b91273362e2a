import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { FormError } from "./states.tsx";

/**
 * Account deletion behind a confirmation that says what erasure means (crypto-shredding): nothing
 * is sent until the person has read it and ticked that they understand it cannot be undone.
 */
export function EraseConfirmation(props: { onConfirm: () => void; pending: boolean; error: unknown }): ReactNode {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [understood, setUnderstood] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Keyboard and screen-reader users land on what they are asked to confirm.
    if (open) heading.current?.focus();
  }, [open]);
  if (!open) {
    return (
      <button
        type="button"
        className="danger"
        data-testid="erase-start"
        onClick={() => {
          setOpen(true);
        }}
      >
        {t("account.eraseStart")}
      </button>
    );
  }
  return (
    <section className="danger-zone" aria-labelledby="erase-confirm-title" data-testid="erase-confirmation">
      <h3 id="erase-confirm-title" tabIndex={-1} ref={heading}>
        {t("account.confirmTitle")}
      </h3>
      <ul>
        <li>{t("account.confirmKey")}</li>
        <li>{t("account.confirmChain")}</li>
        <li>{t("account.confirmSignOut")}</li>
      </ul>
      <p>
        <strong>{t("account.confirmUndo")}</strong>
      </p>
      <label className="inline">
        <input
          type="checkbox"
          checked={understood}
          data-testid="erase-understood"
          onChange={(event) => {
            setUnderstood(event.target.checked);
          }}
        />
        {t("account.confirmCheck")}
      </label>
      <div className="row actions">
        <button
          type="button"
          className="danger"
          data-testid="erase-confirm"
          disabled={!understood || props.pending}
          onClick={props.onConfirm}
        >
          {t("account.confirmButton")}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setOpen(false);
            setUnderstood(false);
          }}
        >
          {t("common.cancel")}
        </button>
      </div>
      <FormError error={props.error} />
    </section>
  );
}
