import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { ApiProblem } from "../api/rest.ts";

export function Loading(): ReactNode {
  const { t } = useTranslation();
  return (
    <p role="status" className="muted">
      {t("common.loading")}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <p className="empty">{children}</p>;
}

/** A failed load: the API's message, and a retry when the request never got an answer (or the server failed). */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }): ReactNode {
  const { t } = useTranslation();
  const problem = error instanceof ApiProblem ? error : undefined;
  const retryable = problem === undefined || problem.network || (problem.status ?? 0) >= 500;
  return (
    <div role="alert" className="error-box">
      <p>{problem?.network === true ? t("common.networkError") : (problem?.message ?? String(error))}</p>
      {retryable && retry !== undefined && (
        <button type="button" onClick={retry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

/** A labelled input with the message the API (or the form) gave for it, tied by aria-describedby. */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (aria: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}): ReactNode {
  const described = [
    props.error === undefined ? undefined : `${props.id}-error`,
    props.hint === undefined ? undefined : `${props.id}-hint`,
  ]
    .filter((part) => part !== undefined)
    .join(" ");
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        "aria-invalid": props.error !== undefined,
        ...(described === "" ? {} : { "aria-describedby": described }),
      })}
      {props.hint !== undefined && (
        <small id={`${props.id}-hint`} className="muted">
          {props.hint}
        </small>
      )}
      {props.error !== undefined && (
        <small id={`${props.id}-error`} className="field-error" data-testid={`${props.id}-error`}>
          {props.error}
        </small>
      )}
    </div>
  );
}

/** The message of a form-level failure: field issues show beside their fields, the rest here. */
export function FormError({ error }: { error: unknown }): ReactNode {
  const { t } = useTranslation();
  if (error === undefined || error === null) return null;
  const problem = error instanceof ApiProblem ? error : undefined;
  return (
    <p role="alert" className="field-error" data-testid="form-error">
      {problem?.network === true
        ? t("common.networkErrorForm")
        : error instanceof Error
          ? error.message
          : t("common.unexpected")}
    </p>
  );
}
