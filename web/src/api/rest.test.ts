import { describe, expect, it } from "vitest";

import { ApiProblem, call, formProblem } from "./rest.ts";

describe("ApiProblem", () => {
  it("maps the API's issues onto the fields they name", () => {
    const problem = new ApiProblem(
      400,
      {
        error: "invalid body",
        code: "invalid_request",
        issues: [
          { path: "body.price", message: "a GEL amount like 25.00 (at most two decimals)" },
          { path: "body.name", message: "Too small" },
          { path: "body.price", message: "second message for the same field" },
        ],
      },
      "400",
    );
    expect(problem.message).toBe("invalid body");
    expect(problem.fields).toEqual({ price: "a GEL amount like 25.00 (at most two decimals)", name: "Too small" });
    expect(problem.network).toBe(false);
  });

  it("turns a request that never got an answer into a retryable network problem", async () => {
    const failing = Promise.reject(new TypeError("Failed to fetch"));
    const error = await call(failing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).network).toBe(true);
  });

  it("reads the status and body of a refusal", async () => {
    const response = new Response(null, { status: 403, statusText: "Forbidden" });
    const error = await call(
      Promise.resolve({ error: { error: "only an admin registers restaurants", code: "forbidden" }, response }),
    ).catch((caught: unknown) => caught);
    expect((error as ApiProblem).status).toBe(403);
    expect((error as ApiProblem).message).toBe("only an admin registers restaurants");
  });
});

describe("formProblem", () => {
  it("puts field issues beside their fields and leaves the form nothing to say", () => {
    const problem = new ApiProblem(
      400,
      { error: "invalid body", issues: [{ path: "body.fee_bps", message: "at most 5000" }] },
      "400",
    );
    expect(formProblem(problem)).toEqual({ fields: { fee_bps: "at most 5000" }, form: undefined });
  });

  it("gives the form a refusal that names no field, and a network failure", () => {
    const conflict = new ApiProblem(409, { error: "not KYC-verified", code: "kyc_required" }, "409");
    expect(formProblem(conflict)).toEqual({ fields: {}, form: conflict });
    const network = new ApiProblem(undefined, undefined, "Failed to fetch");
    expect(formProblem(network).form).toBe(network);
    expect(formProblem(null)).toEqual({ fields: {}, form: null });
  });
});
