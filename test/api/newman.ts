/**
 * The Postman collection generated from the live OpenAPI document, run with newman against the
 * whole stack (chain, Postgres, relayer, local card processor, API): the seed's scenario from
 * sign-in to an order paid by card and settled on chain, and the refusals, each answer validated
 * against the documented schema.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { keccak256, toHex } from "viem";

import type { OpenApiDocument } from "../../api/rest/openapi.ts";
import { postmanCollection, WORKFLOW_FOLDER, type PostmanCollection } from "../../api/rest/postman.ts";
import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { describedDocument } from "../../api/routes.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

/** The part of newman's programmatic API used here (newman ships no types). */
interface NewmanFailure {
  readonly error: { readonly name?: string; readonly message: string; readonly test?: string };
  readonly source?: { readonly name?: string };
  readonly at?: string;
}
interface NewmanExecution {
  readonly item: { readonly name: string };
  readonly response?: { readonly code: number };
}
interface NewmanSummary {
  readonly run: {
    readonly failures: readonly NewmanFailure[];
    readonly executions: readonly NewmanExecution[];
    readonly stats: { readonly assertions: { readonly total: number; readonly failed: number } };
  };
}
interface Newman {
  run(
    options: {
      collection: PostmanCollection;
      folder?: string;
      reporters: string[];
      timeoutRequest?: number;
      timeoutScript?: number;
    },
    callback: (error: Error | null, summary: NewmanSummary) => void,
  ): unknown;
}

const newman = createRequire(import.meta.url)("newman") as Newman;

function runNewman(collection: PostmanCollection, folder: string): Promise<NewmanSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      { collection, folder, reporters: [], timeoutRequest: 15_000, timeoutScript: 5_000 },
      (error, summary) => {
        if (error) reject(error);
        else resolve(summary);
      },
    );
  });
}

const describeFailures = (failures: readonly NewmanFailure[]): string =>
  failures
    .map(
      (failure, index) =>
        `${index + 1}. ${failure.source?.name ?? "?"}${failure.at === undefined ? "" : ` (${failure.at})`}\n` +
        `   ${failure.error.test === undefined ? "" : `${failure.error.test}: `}${failure.error.message}`,
    )
    .join("\n");

describe("the Postman collection, run by newman against the whole stack", () => {
  let stack: WriteStack;
  let directory: string;

  before(async () => {
    stack = await startWriteStack();
    directory = await mkdtemp(path.join(tmpdir(), "hotpot-newman-"));
    // As the seed does: the admin registers a restaurant for a KYC-verified franchisee, who builds the menu.
    // (KYC is issue 6's workflow; the KYC officer attests on chain directly, as in orders-e2e.ts.)
    const franchisee = localAccount(ACCOUNT.franchisee);
    const block = await stack.chain.client.getBlock();
    const attested = await stack.chain.contracts.kycRegistry.write.attest(
      [franchisee.address, 2, block.timestamp + 365n * 86_400n, keccak256(toHex("evidence"))],
      { account: localAccount(LOCAL_ACCOUNTS.kycOfficer).address },
    );
    await stack.chain.client.waitForTransactionReceipt({ hash: attested });
    const franchiseeToken = (await stack.signIn(franchisee)).token;
    // The API checks KYC in the mirror: until the indexer has the attestation it refuses with 409.
    const created = await eventually("the restaurant registered", async () => {
      const reply = await stack.call<{ id: string }>("POST", "/api/v1/restaurants", {
        token: stack.adminToken,
        body: { name: "Test Restaurant", location: "Test City", owner: franchisee.address },
      });
      return reply.status === 409 && JSON.stringify(reply.body).includes("KYC") ? undefined : reply;
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const restaurantId = created.body.id;
    await eventually("the franchise on chain", async () => {
      const reply = await stack.call<{ status: string }>("GET", `/api/v1/restaurants/${restaurantId}`);
      return reply.body.status === "active" ? true : undefined;
    });
    for (const item of [
      { name: "Hot Pot", description: "Spicy Sichuan broth for two", price: "25.00" },
      { name: "Dumplings", price: "8.50" },
    ]) {
      const added = await stack.call("POST", `/api/v1/restaurants/${restaurantId}/menu`, {
        token: franchiseeToken,
        body: item,
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
  });

  after(async () => {
    await stack.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it("serves the document openapi.yaml is printed from", async () => {
    const response = await fetch(`${stack.url}/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), JSON.parse(JSON.stringify(describedDocument())));
  });

  it("walks the seed's scenario with zero failures", async () => {
    const response = await fetch(`${stack.url}/api/v1/openapi.json`);
    const document = (await response.json()) as OpenApiDocument;
    const collection = postmanCollection(document, { baseUrl: stack.url });
    // Kept only while the test runs; import it into Postman (or `npx newman run`) to see what ran.
    const file = path.join(directory, "hot-pot-spot.postman_collection.json");
    await writeFile(file, JSON.stringify(collection, null, 2));

    const summary = await runNewman(collection, WORKFLOW_FOLDER);
    const { failures, executions, stats } = summary.run;
    assert.equal(failures.length, 0, `newman reported ${failures.length} failure(s):\n${describeFailures(failures)}`);

    // Every step ran (the settlement step possibly several times while it waited), in order.
    const names = executions.map((execution) => execution.item.name);
    const steps = [...new Set(names)];
    const workflow = collection.item.find((folder) => folder.name === WORKFLOW_FOLDER);
    assert.deepEqual(
      steps,
      workflow?.item.map((item) => item.name),
    );
    assert.ok(stats.assertions.total >= 2 * steps.length, `only ${stats.assertions.total} assertions ran`);
    assert.equal(stats.assertions.failed, 0);
  });

  it("fails when an answer does not match its documented schema (the checks bite)", async () => {
    const document = (await (await fetch(`${stack.url}/api/v1/openapi.json`)).json()) as OpenApiDocument & {
      components: { schemas: Record<string, { required: string[] }> };
    };
    document.components.schemas.Order?.required.push("no_such_field");
    const summary = await runNewman(postmanCollection(document, { baseUrl: stack.url }), WORKFLOW_FOLDER);
    const failed = summary.run.failures.map((failure) => `${failure.source?.name ?? "?"}: ${failure.error.message}`);
    // Placing, tracking (each look while it settles) and the settled order: every Order answer.
    assert.ok(failed.length >= 3, failed.join("\n"));
    for (const failure of failed) assert.match(failure, /satisfy schema[\s\S]*no_such_field/);
  });
});
