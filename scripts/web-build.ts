/**
 * `npm start` serves the web app from web/dist; this builds it first when it is missing or older
 * than anything it is built from (its sources, the API contracts its clients are generated from),
 * so a fresh clone or a pulled change never serves a stale app.
 */
import { spawn } from "node:child_process";
import { glob, stat } from "node:fs/promises";
import path from "node:path";

import { PROJECT_ROOT } from "../lib/config.ts";

export const WEB_DIR = path.join(PROJECT_ROOT, "web");
export const WEB_DIST = path.join(WEB_DIR, "dist");
const SOURCES = [
  "web/src/**/*",
  "web/index.html",
  "web/vite.config.ts",
  "web/package.json",
  "web/scripts/*.ts",
  "openapi.yaml",
  "schema.graphql",
];

async function mtime(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Whether web/dist is missing or older than a source (generated files excepted: they follow the sources). */
export async function webBuildStale(): Promise<boolean> {
  const built = await mtime(path.join(WEB_DIST, "index.html"));
  if (built === undefined) return true;
  for await (const file of glob(SOURCES, { cwd: PROJECT_ROOT })) {
    if (file.includes(`${path.sep}generated${path.sep}`)) continue;
    const changed = await mtime(path.join(PROJECT_ROOT, file));
    if (changed !== undefined && changed > built) return true;
  }
  return false;
}

function run(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // The bundle served is always the production one: a NODE_ENV inherited from a test runner
    // (`test`) would make Vite ship React's development build, 40 % larger and slower to paint.
    const child = spawn(process.execPath, args, {
      cwd: WEB_DIR,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${args.join(" ")} exited with ${code}`));
    });
  });
}

/** Builds web/dist when stale (generated clients, then Vite); resolves to web/dist. */
export async function ensureWebBuild(say: (message: string) => void): Promise<string> {
  if (await webBuildStale()) {
    say("Building the web app (web/dist) ...");
    await run(["scripts/generate.ts"]);
    await run([path.join(PROJECT_ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"]);
  }
  return WEB_DIST;
}
