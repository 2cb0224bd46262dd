import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionError, connectionError, invocationError, isSignInRefused, One2OneError, RefusedError } from "../../src/errors.js";

// What @microsoft/signalr rejects an invocation with when the hub threw a HubException.
const hubError = (body: string) => new Error(`An unexpected error occurred invoking 'Register' on the server. HubException: ${body}`);

describe("parsing the server's refusals", () => {
  it("a refusal carries the server's reason code and its words", () => {
    const error = invocationError(hubError("not-registered: Register a name first."), true);
    assert.ok(error instanceof RefusedError);
    assert.equal(error.reason, "not-registered");
    assert.equal(error.message, "Register a name first.");
  });

  it("a reason code from Reasons counts too, and the message may span lines", () => {
    const error = invocationError(hubError("rate-limited: Too many ICE candidates;\nthis one was dropped."), true);
    assert.ok(error instanceof RefusedError);
    assert.equal(error.reason, "rate-limited");
    assert.equal(error.message, "Too many ICE candidates;\nthis one was dropped.");
  });

  it("words without a known code are kept whole as an invalid request", () => {
    for (const body of ["Something went wrong: badly.", "made-up: words", "Register a name first."]) {
      const error = invocationError(hubError(body), true);
      assert.ok(error instanceof RefusedError, body);
      assert.equal(error.reason, "invalid-request", body);
      assert.equal(error.message, body);
    }
  });

  it("a failure with no HubException is the connection's when it is down, else the server's", () => {
    const lost = invocationError(new Error("Invocation canceled due to the underlying connection being closed."), false);
    assert.ok(lost instanceof ConnectionError);
    assert.equal(lost.reason, "disconnected");
    const fault = invocationError(new Error("An unexpected error occurred invoking 'Call' on the server."), true);
    assert.ok(fault instanceof One2OneError && !(fault instanceof RefusedError));
    assert.equal(fault.reason, "server-error");
  });

  it("a refused negotiate is a sign-in problem, anything else unreachable", () => {
    assert.equal(connectionError(new Error("Failed to complete negotiation with the server: Error: : Status code '401'")).reason, "unauthorized");
    assert.equal(connectionError(new Error("Failed to complete negotiation with the server: Error: : Status code '403'")).reason, "forbidden");
    assert.equal(
      connectionError(new Error("Failed to complete negotiation with the server: Error: : Status code '403'")).message,
      "The server refused this sign-in: the token carries no name to register.",
    );
    const origin = connectionError(
      new Error("Failed to complete negotiation with the server: Error: forbidden: Pages from this origin may not connect to this server (Hub:AllowedOrigins).: Status code '403'"),
    );
    assert.equal(origin.reason, "forbidden");
    assert.equal(origin.message, "The server refused the connection: Pages from this origin may not connect to this server (Hub:AllowedOrigins).", "not a sign-in problem");
    const down = connectionError(new Error("Failed to fetch"));
    assert.equal(down.reason, "unreachable");
    assert.equal(down.message, "Could not reach the server (Failed to fetch).");
    assert.equal(isSignInRefused(new Error("Failed to complete negotiation with the server: Error: : Status code '401'")), true);
    assert.equal(isSignInRefused(new Error("Failed to complete negotiation with the server: Error: : Status code '403'")), false);
    assert.equal(isSignInRefused(new Error("Failed to fetch")), false);
  });
});
