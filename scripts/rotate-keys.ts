/**
 * `npm run keys:rotate`: rewraps every person's data key under the current master key.
 *
 *   1. Generate a new key:  node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"
 *   2. Set ENCRYPTION_KEY=<new id>:<new key> and ENCRYPTION_PREVIOUS_KEYS=<old id>:<old key> (comma list)
 *      for the running API as well, so it keeps reading both while this runs.
 *   3. npm run keys:rotate      (prints how many were rewrapped; safe to run again: it is idempotent)
 *   4. When it reports 0 remaining, drop the old key from ENCRYPTION_PREVIOUS_KEYS and retire it.
 *
 * Only person_key rows change; profiles and the documents on IPFS are encrypted under the data keys,
 * which stay the same. The database is DATABASE_URL, or the embedded one in DATA_DIR as `npm start`
 * uses. With ENCRYPTION_KEY unset, the local key in DATA_DIR/keys is the current key (nothing to do
 * unless previous keys are given). Exit codes: 0 done, 1 failed, 2 configuration error,
 * 3 keys remain under a master key that is not configured.
 */
import path from "node:path";

import { rotateDataKeys } from "../api/people/rotation.ts";
import { keyringFromEnv } from "../lib/crypto/keyring.ts";
import { ensureLocalKeys } from "../lib/crypto/local-keys.ts";
import { loadConfig } from "../lib/config.ts";
import { openDatabase } from "../lib/db/open.ts";
import { ConfigError } from "../lib/errors.ts";

async function main(): Promise<number> {
  const config = loadConfig();
  const env = {
    ...config.personalDataKeys,
    ...(await ensureLocalKeys({ dataDir: config.dataDir, env: config.personalDataKeys, variables: ["ENCRYPTION_KEY"] }))
      .env,
  };
  const keyring = keyringFromEnv(env);
  console.log(`current master key: ${keyring.currentKeyId}; previous: ${keyring.keyIds.slice(1).join(", ") || "none"}`);
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: path.join(config.dataDir, "postgres"),
    port: config.embeddedPostgresPort,
  });
  try {
    const result = await rotateDataKeys(db.pool, keyring, {
      onBatch: (rotated) => {
        console.log(`  rewrapped ${rotated} ...`);
      },
    });
    for (const [keyId, count] of Object.entries(result.byPreviousKey)) console.log(`  from ${keyId}: ${count}`);
    console.log(`rewrapped ${result.rotated}; under the current key ${result.current}; remaining ${result.remaining}`);
    if (result.unknownKeyIds.length > 0) {
      console.error(
        `data keys remain under master keys this process does not have: ${result.unknownKeyIds.join(", ")}. ` +
          "Add them to ENCRYPTION_PREVIOUS_KEYS and run again.",
      );
      return 3;
    }
    if (result.remaining > 0) console.log("some rows were busy; run again to finish");
    return 0;
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error("key rotation failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
