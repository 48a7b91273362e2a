import { useId, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import type { UploadProgress } from "../api/upload.ts";
import { formatSize } from "../kyc/files.ts";

/** How much of an upload has been sent: a labelled <progress> and the bytes in words. */
export function UploadProgressBar({ progress }: { progress: UploadProgress }): ReactNode {
  const { t, i18n } = useTranslation();
  const label = useId();
  const percent = progress.total > 0 ? Math.min(100, Math.floor((progress.loaded * 100) / progress.total)) : 0;
  return (
    <div className="upload-progress" data-testid="upload-progress" data-percent={percent}>
      <span id={label}>{t("kyc.progress")}</span>
      <progress aria-labelledby={label} max={100} value={percent}>
        {percent} %
      </progress>
      <span className="muted">
        {t("kyc.progressSent", {
          percent,
          loaded: formatSize(progress.loaded, i18n.language),
          total: formatSize(progress.total, i18n.language),
        })}
      </span>
    </div>
  );
}
