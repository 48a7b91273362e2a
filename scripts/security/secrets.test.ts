import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";

import { PROJECT_ROOT } from "../../lib/config.ts";
import { findSecrets } from "./secrets.ts";

// Planted secrets are assembled at run time, so this file itself never holds one.
const planted = {
  pem: ["-----BEGIN", "RSA PRIVATE KEY-----"].join(" "),
  aws: `AKIA${"WXYZ".repeat(4)}`,
  stripe: ["sk", "live", "a".repeat(24)].join("_"),
  github: `ghp_${"A1".repeat(18)}`,
  jwt: `eyJ${"h".repeat(12)}.eyJ${"p".repeat(12)}.${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37) % 256)).toString("base64url")}`,
  hexKey: `DEPLOYER_PRIVATE_KEY=0x${"3b".repeat(32)}`,
};

describe("secret scan", () => {
  it("finds each kind of planted secret, on its line", () => {
    for (const [name, secret] of Object.entries(planted)) {
      const findings = findSecrets("planted.ts", `const a = 1;\nconst b = "${secret}";\n`);
      assert.equal(findings.length, 1, name);
      assert.equal(findings[0]?.line, 2, name);
    }
  });

  it("allows Hardhat's published development keys and ordinary hashes", () => {
    const hardhat0 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    assert.deepEqual(findSecrets("a.ts", `privateKey: "0x${hardhat0}"`), []);
    assert.deepEqual(findSecrets("a.ts", `const txHash = "0x${"ab".repeat(32)}";`), []);
    const example = `eyJ${"h".repeat(12)}.eyJ${"p".repeat(12)}.${Buffer.from("signature-of-the-token-here").toString("base64url")}`;
    assert.deepEqual(findSecrets("a.ts", example), []);
  });

  it("finds no secret in any tracked file of the repository", async () => {
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: PROJECT_ROOT, encoding: "utf8" })
      .split("\0")
      .filter((file) => file !== "" && !/\.(png|jpg|ico|woff2?|gz)$|package-lock\.json$/.test(file));
    const findings = [];
    for (const file of files) {
      const text = await readFile(path.join(PROJECT_ROOT, file), "utf8").catch(() => "");
      findings.push(...findSecrets(file, text));
    }
    assert.deepEqual(findings, []);
  });
});
