import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionError } from "../../src/errors.js";
import type { One2OneClient } from "../../src/signaling.js";
import { FakeServer } from "./signalr-fakes.js";

/** A client of a server with Auth:Mode=Jwt, with a reconnect policy that tries once, at once. */
const signedIn = (server: FakeServer, accessTokenFactory: () => string | Promise<string>): One2OneClient =>
  server.client({ accessTokenFactory, reconnectPolicy: [0] });

const once = (client: One2OneClient, event: "reconnected" | "close"): Promise<void> =>
  new Promise((resolve) => client.on(event, () => resolve()));

describe("One2OneClient's sign-in (Auth:Mode=Jwt)", () => {
  it("asks the access-token factory again for every connection attempt, the automatic reconnect's included", async () => {
    const server = new FakeServer();
    let current = "token-1";
    let asked = 0;
    server.accepted.add("token-1").add("token-2");
    // A refreshing token source, as an identity provider's: a promise, resolved with the latest token.
    const client = signedIn(server, () => {
      asked++;
      return Promise.resolve(current);
    });

    await client.connect();
    assert.deepEqual(server.negotiations, ["Bearer token-1"]);
    const askedForFirst = asked;
    assert.ok(askedForFirst >= 1);

    // The first token expired and the identity provider gave a new one; then the network changed.
    current = "token-2";
    server.accepted.delete("token-1");
    const reconnected = once(client, "reconnected");
    server.lastSocket.drop();
    await reconnected;

    assert.deepEqual(server.negotiations, ["Bearer token-1", "Bearer token-2"], "the reconnect signs in with the fresh token");
    assert.ok(asked > askedForFirst);
    await client.dropConnection();
  });

  it("a token the server refuses on reconnecting closes the connection, and connecting again rejects as unauthorized", async () => {
    const server = new FakeServer();
    let current = "token-1";
    server.accepted.add("token-1");
    // One fixed token at a time, as a page opened with ?token= has.
    const client = signedIn(server, () => current);
    await client.connect();

    current = "expired";
    server.accepted.delete("token-1");
    const closed = once(client, "close");
    server.lastSocket.drop();
    await closed;
    await assert.rejects(client.connect(), (error: unknown) => error instanceof ConnectionError && error.reason === "unauthorized");

    assert.deepEqual(server.negotiations, ["Bearer token-1", "Bearer expired", "Bearer expired"], "the reconnect's try, then connect()'s");
    assert.equal(server.sockets.length, 1, "no connection is made with a refused token");
  });
});
