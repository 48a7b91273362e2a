import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { authSettings, type Env } from "../../lib/config.ts";
import { authOptions } from "./config.ts";

const authSettingsFromEnv = (env: Env, chainId: number) => authOptions(authSettings(env), chainId);

describe("auth settings from the environment", () => {
  it("has safe local defaults", () => {
    const settings = authSettingsFromEnv({}, 31337);
    assert.ok(Buffer.byteLength(settings.jwtSecret) >= 32);
    assert.notEqual(settings.jwtSecret, authSettingsFromEnv({}, 31337).jwtSecret, "random per process");
    assert.equal(settings.tokenTtlSeconds, 900);
    assert.deepEqual(settings.siwe, { domain: "localhost:3000", uri: "http://localhost:3000", chainId: 31337 });
    assert.deepEqual(settings.adminAddresses, []);
  });

  it("reads every variable", () => {
    const admin = "0x9BF4beE5bfbEbb3a4b7060dAe40CA6fD49305D60";
    const settings = authSettingsFromEnv(
      {
        JWT_SECRET: "x".repeat(40),
        JWT_TTL_SECONDS: "600",
        SIWE_URI: "https://app.hotpot.example",
        SIWE_CHAIN_ID: "84532",
        ADMIN_ADDRESSES: ` ${admin}, `,
        CUSTODIAL_MNEMONIC:
          "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
      },
      84532,
    );
    assert.equal(settings.tokenTtlSeconds, 600);
    assert.deepEqual(settings.siwe, {
      domain: "app.hotpot.example",
      uri: "https://app.hotpot.example",
      chainId: 84532,
    });
    assert.deepEqual(settings.adminAddresses, [admin]);
  });

  it("refuses short secrets, bad addresses and a missing mnemonic off the local chain", () => {
    assert.throws(() => authSettingsFromEnv({ JWT_SECRET: "short" }, 31337), /at least 32 bytes/);
    assert.throws(() => authSettingsFromEnv({ ADMIN_ADDRESSES: "0x12" }, 31337), /not an address/);
    assert.throws(() => authSettingsFromEnv({ JWT_TTL_SECONDS: "0" }, 31337), /positive whole number/);
    assert.throws(() => authSettingsFromEnv({}, 84532), /CUSTODIAL_MNEMONIC must be set/);
  });
});
