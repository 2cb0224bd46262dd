import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ConnectionError } from "../../src/errors.js";
import type { One2OneClient } from "../../src/signaling.js";
import { FakeServer } from "./signalr-fakes.js";
import { settle, until } from "./softphone-fakes.js";

/** A server without sign-in whose answer to each Register or Resume comes later, through its outbox, when `answering`. */
function serverAnsweringLater(): { server: FakeServer; answering: { now: boolean } } {
  const server = new FakeServer();
  server.signIn = false;
  const answering = { now: true };
  server.acceptRegistrations(() => answering.now);
  return { server, answering };
}

const outcome = (promise: Promise<unknown>): Promise<string> =>
  Promise.race([
    promise.then(
      () => "resolved",
      (error: unknown) => (error instanceof ConnectionError ? `rejected: ${error.reason}` : `rejected: ${String(error)}`),
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve("still pending"), 50)),
  ]);

const once = (client: One2OneClient, event: "reconnected" | "close"): Promise<void> =>
  new Promise((resolve) => client.on(event, () => resolve()));

describe("One2OneClient's registration", () => {
  /** Closes the test's connection even when an assertion fails, so no SignalR timer keeps the test's process alive. */
  let current: One2OneClient | null = null;
  afterEach(() => current?.dropConnection());

  it("register() rejects as disconnected when the connection starts reconnecting after Register completed but before the answer", async () => {
    const { server, answering } = serverAnsweringLater();
    const client = (current = server.client({ reconnectPolicy: [0] }));
    answering.now = false;
    const first = client.register("alice");
    await until(() => server.invoked.includes("Register"));
    await settle();

    // The answer is still in the server's outbox when the network goes; SignalR reconnects on a new connection.
    const reconnected = once(client, "reconnected");
    server.lastSocket.drop();

    assert.equal(await outcome(first), "rejected: disconnected");
    await reconnected;

    // The next registration gets its own answer (no leftover listener of the first takes it).
    answering.now = true;
    assert.equal(await outcome(client.register("alice")), "resolved");
  });

  it("resume() rejects as disconnected the same way", async () => {
    const { server, answering } = serverAnsweringLater();
    const client = (current = server.client({ reconnectPolicy: [0] }));
    answering.now = false;
    const resuming = client.resume("alice", "token-0");
    await until(() => server.invoked.includes("Resume"));
    await settle();

    const reconnected = once(client, "reconnected");
    server.lastSocket.drop();

    assert.equal(await outcome(resuming), "rejected: disconnected");
    await reconnected;
  });
});

describe("One2OneClient's resume token", () => {
  let current: One2OneClient | null = null;
  afterEach(() => current?.dropConnection());

  it("is the latest accepted registration's, kept when the connection is lost, and given up with the registration", async () => {
    const { server } = serverAnsweringLater();
    const client = (current = server.client());
    assert.equal(client.resumeToken, null);
    const heard: (string | null)[] = [];
    client.on("registerResponse", () => heard.push(client.resumeToken));

    await client.register("alice");
    assert.equal(client.resumeToken, "token-1");
    assert.deepEqual(heard, ["token-1"], "already there for the app's own listener");

    const closed = once(client, "close");
    server.lastSocket.drop();
    await closed;
    assert.equal(client.resumeToken, "token-1", "what the app resumes with on a new connection");

    await client.resume("alice", client.resumeToken);
    assert.equal(client.resumeToken, "token-2", "the resume spent token-1");

    await client.hub.unregister();
    assert.equal(client.resumeToken, null);
  });

  for (const connected of [true, false]) {
    it(`is given up by disconnect() ${connected ? "on an open connection" : "after the connection was lost"}`, async () => {
      const { server } = serverAnsweringLater();
      const client = (current = server.client());
      await client.register("alice");
      if (!connected) {
        const closed = once(client, "close");
        server.lastSocket.drop();
        await closed;
      }

      await client.disconnect();

      assert.equal(client.resumeToken, null);
    });
  }
});
