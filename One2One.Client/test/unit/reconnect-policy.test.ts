import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pageReconnectPolicy } from "../../src/reconnect-policy.js";

const next = (previousRetryCount: number, elapsedMilliseconds: number): number | null =>
  pageReconnectPolicy.nextRetryDelayInMilliseconds({ previousRetryCount, elapsedMilliseconds, retryReason: new Error("lost") });

describe("the page's reconnect policy", () => {
  it("tries at once, then backs off to every five seconds", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 9].map((count) => next(count, 1000)), [0, 1000, 2000, 3000, 5000, 5000]);
  });

  it("keeps trying through the server's reconnect window and gives up after a minute", () => {
    assert.equal(next(6, 25_000), 5000, "a page still tries after Calls:ReconnectWindow's 20 s");
    assert.equal(next(14, 60_000), null);
  });

  it("gives up at once when the server refuses the page's sign-in (its token expired): the same token would be refused for a minute", () => {
    const refused = new Error("Failed to complete negotiation with the server: Error: Unauthorized: Status code '401'");
    assert.equal(pageReconnectPolicy.nextRetryDelayInMilliseconds({ previousRetryCount: 1, elapsedMilliseconds: 100, retryReason: refused }), null);
    assert.equal(next(1, 100), 1000, "any other failure is tried again");
  });
});
