import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reasons } from "../../src/contract.js";
import { messageKind, outcomeText, reasonText } from "../../src/reasons.js";

describe("reason codes", () => {
  it("every reason of the contract has words", () => {
    for (const reason of reasons) {
      const text = reasonText(reason, "bob");
      assert.ok(text !== undefined && text.length > 0, reason);
    }
    assert.equal(reasonText("server-shutdown", null), "The server is shutting down; the call was ended.");
    assert.equal(reasonText("busy", "bob"), "bob is busy.");
    assert.equal(reasonText("busy", null), "The other person is busy.");
  });

  it("the server's own message wins over the reason's words", () => {
    assert.equal(outcomeText("The name alice is already taken.", "name-taken", null, "Refused."), "The name alice is already taken.");
    assert.equal(outcomeText("  ", "name-taken", null, "Refused."), "That name is already registered.");
  });

  it("an unknown reason (a newer server's) shows the fallback with the code", () => {
    assert.equal(reasonText("call-recorded", "bob"), undefined);
    assert.equal(reasonText("toString", "bob"), undefined, "only the table's own keys");
    assert.equal(outcomeText(null, "call-recorded", "bob", "The call ended."), "The call ended. (call-recorded)");
    assert.equal(outcomeText(null, null, "bob", "The call ended."), "The call ended.");
  });

  it("works without Object.hasOwn (Safari before 15.4)", () => {
    const hasOwn = Object.getOwnPropertyDescriptor(Object, "hasOwn");
    delete (Object as { hasOwn?: unknown }).hasOwn;
    try {
      assert.equal(outcomeText(null, "declined", "bob", "The call ended."), "bob declined the call.");
      assert.equal(outcomeText(null, "toString", "bob", "The call ended."), "The call ended. (toString)");
    } finally {
      Object.defineProperty(Object, "hasOwn", hasOwn!);
    }
  });

  it("call outcomes are news, faults are errors", () => {
    for (const reason of ["busy", "no-answer", "declined", "cancelled", "hung-up", "peer-disconnected"]) {
      assert.equal(messageKind(reason), "info", reason);
    }
    for (const reason of ["media-error", "server-shutdown", "name-taken", null, undefined]) {
      assert.equal(messageKind(reason), "error", String(reason));
    }
  });
});
