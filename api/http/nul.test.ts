import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { parse } from "graphql";

import { findNul, findNulInOperation } from "./nul.ts";

describe("NUL characters", () => {
  it("finds the first string holding one, with its path, keys included", () => {
    assert.equal(findNul({ name: "ok", items: [{ id: "a" }, { id: "b\u0000" }] }, "body"), "body.items.1.id");
    assert.equal(findNul({ ["bad\u0000key"]: 1 }, "body"), "body.bad\\u0000key");
    assert.equal(findNul("plain \u0000", "query.q"), "query.q");
    assert.equal(findNul({ name: "fine", n: 1, nested: [null, true] }, "body"), undefined);
  });

  it("finds one in GraphQL variables and in string literals (escaped in the query text)", () => {
    const document = parse('query { restaurant(id: "1\\u0000") { id } }');
    assert.equal(findNulInOperation(document, {}), "a string literal of the query");
    assert.equal(findNulInOperation(parse("query { x }"), { input: { name: "a\u0000" } }), "variables.input.name");
    assert.equal(findNulInOperation(parse('query { x(a: "fine") }'), { a: "fine" }), undefined);
  });
});
