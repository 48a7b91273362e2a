import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

export interface SecretField {
  readonly label: string;
  readonly value: string;
  /** data-testid of the value; its copy button is `${testId}-copy`. */
  readonly testId: string;
}

/**
 * What the server shows only once (a till key, a stream key): each value with a copy button, a
 * warning that it cannot be shown again, and a button to put it away. The parent drops the values
 * when `onDone` is called, so nothing keeps them after that.
 */
export function OneTimeSecret({
  title,
  fields,
  onDone,
}: {
  title: string;
  fields: readonly SecretField[];
  onDone: () => void;
}): ReactNode {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<{ testId: string; ok: boolean }>();
  const copy = async (field: SecretField): Promise<void> => {
    try {
      await navigator.clipboard.writeText(field.value);
      setCopied({ testId: field.testId, ok: true });
    } catch {
      // No clipboard (permission refused, insecure context): the value stays selectable on screen.
      setCopied({ testId: field.testId, ok: false });
    }
  };
  return (
    <div className="notice secret" role="region" aria-label={title} data-testid="one-time-secret">
      <h3>{title}</h3>
      <p>
        <strong>{t("secret.warning")}</strong>
      </p>
      <dl className="facts">
        {fields.map((field) => (
          <div className="arg" key={field.testId}>
            <dt>{field.label}</dt>
            <dd>
              <code className="hash" data-testid={field.testId}>
                {field.value}
              </code>{" "}
              <button
                type="button"
                className="secondary"
                data-testid={`${field.testId}-copy`}
                aria-label={t("secret.copyThis", { label: field.label })}
                onClick={() => void copy(field)}
              >
                {t("secret.copy")}
              </button>
            </dd>
          </div>
        ))}
      </dl>
      <p role="status" className="muted">
        {copied === undefined
          ? ""
          : copied.ok
            ? t("secret.copied", { label: fields.find((field) => field.testId === copied.testId)?.label ?? "" })
            : t("secret.copyFailed")}
      </p>
      <button type="button" data-testid="secret-done" onClick={onDone}>
        {t("secret.done")}
      </button>
    </div>
  );
}
