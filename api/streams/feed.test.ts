import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { parseStreamChange } from "./feed.ts";

describe("stream change notifications", () => {
  it("reads well-formed payloads and drops anything else", () => {
    assert.deepEqual(parseStreamChange('{"restaurantId":"7","status":"live","at":"2026-11-26T10:00:00.000Z"}'), {
      restaurantId: "7",
      status: "live",
      at: "2026-11-26T10:00:00.000Z",
    });
    assert.equal(parseStreamChange('{"restaurantId":7,"status":"live"}'), undefined);
    assert.equal(parseStreamChange('{"restaurantId":"7","status":"exploded"}'), undefined);
    assert.equal(parseStreamChange("not json"), undefined);
    assert.equal(parseStreamChange(undefined), undefined);
  });
});
