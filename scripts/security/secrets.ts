/**
 * A secret scan of the repository's tracked files, as gitleaks would do it (no Debian package of it
 * here): credentials with a recognisable shape (private keys in PEM, cloud and vendor keys, GitHub
 * and Slack tokens, JWTs such as Pinata's) and 32-byte hex keys assigned to a key- or secret-like
 * name. Hardhat's published development keys (its test mnemonic) are the only allowed ones.
 */
import { mnemonicToAccount } from "viem/accounts";
import { toHex } from "viem";

export interface SecretFinding {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
}

const RULES: readonly { readonly rule: string; readonly pattern: RegExp }[] = [
  {
    rule: "PEM private key",
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/,
  },
  { rule: "AWS access key", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { rule: "Stripe live key", pattern: /\b(?:sk|rk|pk)_live_[0-9A-Za-z]{16,}/ },
  { rule: "GitHub token", pattern: /\b(?:gh[pousr]_[0-9A-Za-z]{36}|github_pat_[0-9A-Za-z_]{60,})\b/ },
  { rule: "Slack token", pattern: /\bxox[abprs]-[0-9A-Za-z-]{10,}/ },
  { rule: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { rule: "JWT", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.([A-Za-z0-9_-]{20,})/ },
  {
    rule: "hex key assigned to a secret-like name",
    pattern:
      /(?:private|secret|key|mnemonic|password|token)\w*["']?\s*[:=]\s*["'`]?(0x[0-9a-fA-F]{64}|[0-9a-fA-F]{64})\b/i,
  },
];

/** Hardhat's development accounts' keys: published with Hardhat, funded only on local chains. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const ALLOWED_KEYS = new Set(
  Array.from({ length: 20 }, (_, index) => {
    const key = mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index }).getHdKey().privateKey;
    return key === null ? "" : toHex(key).slice(2).toLowerCase();
  }),
);

/**
 * A documentation example's JWT carries readable words where the signature goes ("signature of the
 * token here"); a real signature is random bytes, never all printable text.
 */
function isPlaceholderSignature(signature: string): boolean {
  return [...Buffer.from(signature, "base64url")].every((byte) => byte >= 0x20 && byte <= 0x7e);
}

export function findSecrets(file: string, text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  text.split("\n").forEach((content, index) => {
    for (const { rule, pattern } of RULES) {
      const match = pattern.exec(content);
      if (match === null) continue;
      if (rule === "JWT" && isPlaceholderSignature(match[1] ?? "")) continue;
      const hexKey = match[1]?.replace(/^0x/, "").toLowerCase();
      if (hexKey !== undefined && ALLOWED_KEYS.has(hexKey)) continue;
      findings.push({ file, line: index + 1, rule });
    }
  });
  return findings;
}
