/**
 * The Dockerfile's invariants, read statically: no Docker engine runs here or in CI, so the image is
 * never built by the tests. What can be checked without one is checked: the stages, the base image
 * against the pinned Node, the runtime user, the health check, the command against the Procfile, and
 * that every file copied before the source tree exists.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";

import { PROJECT_ROOT } from "../lib/config.ts";

const read = (file: string): Promise<string> => readFile(path.join(PROJECT_ROOT, file), "utf8");

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Stages of a Dockerfile: continuation lines joined, comments and parser directives skipped. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "");
  for (const line of logical) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    assert.ok(match !== null, `not a Dockerfile instruction: ${line}`);
    const keyword = (match[1] ?? "").toUpperCase();
    const args = (match[2] ?? "").trim();
    if (keyword === "FROM") {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      assert.ok(from !== null, `FROM ${args}`);
      stages.push({ from: from[1] ?? "", name: from[2], instructions: [] });
    } else {
      const stage = stages.at(-1);
      assert.ok(stage !== undefined, `${keyword} before any FROM`);
      stage.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** A JSON-array (exec form) or shell-form command as the words it runs. */
function commandWords(args: string): string[] {
  return args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

describe("Dockerfile", async () => {
  const stages = parseDockerfile(await read("Dockerfile"));
  const runtime = stages.at(-1);
  assert.ok(runtime !== undefined, "the Dockerfile has a FROM");
  const last = (keyword: string): Instruction | undefined =>
    runtime.instructions.findLast((instruction) => instruction.keyword === keyword);

  it("test_dockerfile_multiStage_runtimeCopiesTheBuildStage", () => {
    assert.ok(stages.length >= 2, "a build stage and a runtime stage");
    const builds = new Set(stages.slice(0, -1).map((stage) => stage.name));
    const fromBuild = runtime.instructions.filter(
      (instruction) => instruction.keyword === "COPY" && /--from=(\S+)/.exec(instruction.args) !== null,
    );
    assert.ok(fromBuild.length > 0, "the runtime stage copies the build's output");
    for (const copy of fromBuild) assert.ok(builds.has(/--from=(\S+)/.exec(copy.args)?.[1]), copy.args);
    assert.equal(
      runtime.instructions.some(
        (instruction) => instruction.keyword === "RUN" && /\bnpm (ci|install)\b/.test(instruction.args),
      ),
      false,
      "the runtime stage installs nothing: it runs what the build stage built",
    );
  });

  it("test_dockerfile_baseImages_areThePinnedNodeMajor", async () => {
    const pinned = (JSON.parse(await read("package.json")) as { devDependencies: Record<string, string> })
      .devDependencies.node;
    const major = /^(\d+)\./.exec(pinned ?? "")?.[1];
    assert.ok(major !== undefined, "package.json pins node");
    for (const stage of stages) assert.match(stage.from, new RegExp(`^node:${major}(?:[.-]|$)`), stage.from);
  });

  it("test_dockerfile_runtime_runsAsAnUnprivilegedUser", () => {
    const user = last("USER");
    assert.ok(user !== undefined, "the runtime stage sets USER");
    const name = user.args.split(":")[0] ?? "";
    assert.ok(name !== "root" && name !== "0", `USER ${user.args}`);
    const cmd = last("CMD");
    assert.ok(cmd !== undefined);
    assert.ok(runtime.instructions.indexOf(user) < runtime.instructions.indexOf(cmd), "USER comes before CMD");
  });

  it("test_dockerfile_healthcheck_asksHealthOnThePort", () => {
    const check = last("HEALTHCHECK");
    assert.ok(check !== undefined, "the runtime stage has a HEALTHCHECK");
    assert.match(check.args, /\bCMD\b/);
    assert.match(check.args, /\/health\b/);
    assert.match(check.args, /process\.env\.PORT/, "it follows PORT, which platforms set");
    const port = /\bPORT=(\d+)/.exec(last("ENV")?.args ?? "")?.[1];
    assert.equal(last("EXPOSE")?.args, port, "EXPOSE is the default PORT");
  });

  it("test_dockerfile_cmd_isTheProcfilesWebCommand", async () => {
    const web = /^web:\s*(.+)$/m.exec(await read("Procfile"))?.[1];
    assert.ok(web !== undefined, "the Procfile has web");
    const cmd = last("CMD");
    assert.ok(cmd !== undefined, "the runtime stage has a CMD");
    assert.deepEqual(commandWords(cmd.args), web.trim().split(/\s+/));
  });

  it("test_dockerfile_copiesBeforeTheSourceTree_exist_andSecretsStayOut", async () => {
    const build = stages[0];
    assert.ok(build !== undefined);
    for (const copy of build.instructions.filter((instruction) => instruction.keyword === "COPY")) {
      const words = copy.args.split(/\s+/).filter((word) => !word.startsWith("--"));
      for (const source of words.slice(0, -1)) {
        if (source === ".") continue;
        assert.ok(existsSync(path.join(PROJECT_ROOT, source)), `COPY ${source}: no such file in the repository`);
      }
    }
    const ignored = new Set(
      (await read(".dockerignore")).split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#")),
    );
    for (const entry of [".env", ".data", "node_modules", ".git"])
      assert.ok(ignored.has(entry), `.dockerignore: ${entry}`);
  });
});
