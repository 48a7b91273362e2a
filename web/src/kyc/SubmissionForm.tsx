import { useMutation } from "@tanstack/react-query";
import { useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";

import { ApiProblem, type Schemas } from "../api/rest.ts";
import { uploadForm, type UploadProgress } from "../api/upload.ts";
import { Field, FormError } from "../components/states.tsx";
import { UploadProgressBar } from "../components/UploadProgressBar.tsx";
import {
  ACCEPT,
  checkDocument,
  checkSelection,
  DETAIL_NAMES,
  DOCUMENT_KINDS,
  formatSize,
  MAX_DOCUMENT_BYTES,
  MAX_UPLOAD_BYTES,
  type DetailName,
  type DocumentKind,
  type DocumentProblem,
  type SelectionProblem,
} from "./files.ts";

const emptyDetails = (): Record<DetailName, string> =>
  Object.fromEntries(DETAIL_NAMES.map((name) => [name, ""])) as Record<DetailName, string>;

const DETAIL_INPUTS: Record<DetailName, { type: string; autoComplete: string; hint?: "phone" | "nationality" }> = {
  full_name: { type: "text", autoComplete: "name" },
  email: { type: "email", autoComplete: "email" },
  phone: { type: "tel", autoComplete: "tel", hint: "phone" },
  address: { type: "text", autoComplete: "street-address" },
  birth_date: { type: "date", autoComplete: "bday" },
  nationality: { type: "text", autoComplete: "country", hint: "nationality" },
  document_number: { type: "text", autoComplete: "off" },
};

/**
 * Details and documents, sent as multipart/form-data with the upload's progress shown. Files the
 * API would refuse are refused here first; a failed upload keeps everything chosen and typed.
 */
export function SubmissionForm({ onSent }: { onSent: () => void }): ReactNode {
  const { t, i18n } = useTranslation();
  const [details, setDetails] = useState(emptyDetails);
  const [files, setFiles] = useState<Partial<Record<DocumentKind, File>>>({});
  const [problems, setProblems] = useState<Partial<Record<DocumentKind, DocumentProblem>>>({});
  const [selection, setSelection] = useState<SelectionProblem>();
  // A removed file's input is remounted: a file input cannot be cleared from outside otherwise.
  const [inputGeneration, setInputGeneration] = useState<Partial<Record<DocumentKind, number>>>({});
  const [progress, setProgress] = useState<UploadProgress>();
  const send = useMutation({
    mutationFn: () => {
      const form = new FormData();
      for (const name of DETAIL_NAMES) form.append(name, details[name]);
      for (const kind of DOCUMENT_KINDS) {
        const file = files[kind];
        if (file !== undefined) form.append(kind, file, file.name);
      }
      setProgress({ loaded: 0, total: 0 });
      return uploadForm<Schemas["KycCase"]>("/api/v1/kyc/submissions", form, setProgress);
    },
    onSuccess: onSent,
    onError: () => {
      setProgress(undefined);
    },
  });

  const choose = async (kind: DocumentKind, file: File | undefined): Promise<void> => {
    const problem = file === undefined ? undefined : await checkDocument(file);
    setFiles((current) => ({ ...current, [kind]: file }));
    setProblems((current) => ({ ...current, [kind]: problem }));
    setSelection(undefined);
  };
  const remove = (kind: DocumentKind): void => {
    void choose(kind, undefined);
    setInputGeneration((current) => ({ ...current, [kind]: (current[kind] ?? 0) + 1 }));
  };

  const apiFields = send.error instanceof ApiProblem ? send.error.fields : {};
  const formLevel = Object.keys(apiFields).length > 0 ? undefined : send.error;
  const size = (bytes: number): string => formatSize(bytes, i18n.language);
  const problemText = (problem: DocumentProblem | SelectionProblem): string =>
    t(`kyc.problem.${problem}`, { max: size(problem === "total" ? MAX_UPLOAD_BYTES : MAX_DOCUMENT_BYTES) });

  return (
    <form
      noValidate
      onSubmit={(event: SyntheticEvent) => {
        event.preventDefault();
        const chosen = DOCUMENT_KINDS.flatMap((kind) => files[kind] ?? []);
        const problem = checkSelection(chosen);
        setSelection(problem);
        if (problem !== undefined || DOCUMENT_KINDS.some((kind) => problems[kind] !== undefined)) return;
        send.mutate();
      }}
    >
      <fieldset>
        <legend>{t("kyc.details")}</legend>
        {DETAIL_NAMES.map((name) => {
          const input = DETAIL_INPUTS[name];
          return (
            <Field
              key={name}
              id={`kyc-${name}`}
              label={t(`kyc.field.${name}`)}
              error={apiFields[name]}
              hint={input.hint === undefined ? undefined : t(`kyc.${input.hint}Hint`)}
            >
              {(aria) => (
                <input
                  {...aria}
                  data-testid={`kyc-${name}`}
                  type={input.type}
                  autoComplete={input.autoComplete}
                  value={details[name]}
                  onChange={(event) => {
                    setDetails((current) => ({ ...current, [name]: event.target.value }));
                  }}
                />
              )}
            </Field>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>{t("kyc.documents")}</legend>
        <p className="muted" id="kyc-documents-hint">
          {t("kyc.documentsHint", { max: size(MAX_DOCUMENT_BYTES), total: size(MAX_UPLOAD_BYTES) })}
        </p>
        {DOCUMENT_KINDS.map((kind) => {
          const file = files[kind];
          const problem = problems[kind];
          return (
            <div key={kind} className="document-choice">
              <Field
                id={`kyc-file-${kind}`}
                label={t(`kyc.kind.${kind}`)}
                error={problem === undefined ? apiFields[kind] : problemText(problem)}
              >
                {(aria) => (
                  <input
                    {...aria}
                    key={inputGeneration[kind] ?? 0}
                    data-testid={`kyc-file-${kind}`}
                    type="file"
                    accept={ACCEPT}
                    onChange={(event) => void choose(kind, event.target.files?.[0])}
                  />
                )}
              </Field>
              {file !== undefined && (
                <p className="chosen" data-testid={`kyc-chosen-${kind}`}>
                  {t("kyc.chosen", { name: file.name, size: size(file.size) })}{" "}
                  <button
                    type="button"
                    className="secondary"
                    aria-label={t("kyc.removeLabel", { kind: t(`kyc.kind.${kind}`) })}
                    onClick={() => {
                      remove(kind);
                    }}
                  >
                    {t("kyc.remove")}
                  </button>
                </p>
              )}
            </div>
          );
        })}
        {selection !== undefined && (
          <p role="alert" className="field-error" data-testid="kyc-documents-error">
            {problemText(selection)}
          </p>
        )}
      </fieldset>
      {send.isPaused && (
        <p role="status" className="notice" data-testid="kyc-offline">
          {t("kyc.offline")}
        </p>
      )}
      {progress !== undefined && <UploadProgressBar progress={progress} />}
      <div className="row actions">
        <button type="submit" data-testid="kyc-submit" disabled={send.isPending}>
          {t("kyc.submit")}
        </button>
        {send.error instanceof ApiProblem && send.error.network && !send.isPending && (
          <button
            type="button"
            className="secondary"
            data-testid="kyc-retry"
            onClick={() => {
              send.mutate();
            }}
          >
            {t("kyc.retry")}
          </button>
        )}
      </div>
      <FormError error={formLevel} />
    </form>
  );
}
