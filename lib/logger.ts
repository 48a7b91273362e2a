import pino from "pino";
import type { Logger } from "pino";

export type { Logger } from "pino";

/**
 * Structured JSON logs on stdout. Paths that may carry secrets or personal data are redacted
 * wherever they appear, so a careless `logger.info({ req })` cannot leak them.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? "hot-pot-spot",
    level: options.level ?? "info",
    redact: {
      paths: [
        "*.password",
        "*.secret",
        "*.privateKey",
        "*.authorization",
        "*.headers.authorization",
        "*.headers.cookie",
        "*.databaseUrl",
        "*.rpcUrl",
      ],
      censor: "[redacted]",
    },
  });
}
