import js from "@eslint/js";
import tseslint from "typescript-eslint";

import { importRules } from "./import-rules.ts";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "artifacts/",
      "cache/",
      "coverage/",
      "types/",
      "deploy/deployments/",
      ".data/",
      "lib/db/generated/",
      "web/dist/",
      "web/src/generated/",
      "e2e/.results/",
      "playwright-report/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "it", "suite", "test"] },
          ],
        },
      ],
      "@typescript-eslint/explicit-module-boundary-types": "error",
    },
  },
  {
    // Test fixtures return whatever the deployment gives them; spelling those types out adds nothing.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/explicit-module-boundary-types": "off" },
  },
  {
    // k6 scripts run in k6's own JavaScript runtime: no type information, k6's globals.
    files: ["scripts/bench/load/**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { __ENV: "readonly", __VU: "readonly", __ITER: "readonly", console: "readonly" },
    },
    rules: { "@typescript-eslint/explicit-module-boundary-types": "off" },
  },
  // Which part may import which (../shared/spec/PRODUCT.md, README "Where things go"): import-rules.ts.
  ...importRules,
  {
    files: ["eslint.config.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
