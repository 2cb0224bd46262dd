import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HubConnectionBuilder } from "@microsoft/signalr";
import { One2OneError } from "../../src/errors.js";
import { One2OneClient } from "../../src/signaling.js";

/** A SignalR connection that is up and answers every invocation at once; `invoked` lists the hub methods called. */
function connectedClient(): { client: One2OneClient; invoked: string[] } {
  const invoked: string[] = [];
  const connection = {
    state: "Connected",
    on: () => undefined,
    onclose: () => undefined,
    onreconnecting: () => undefined,
    onreconnected: () => undefined,
    invoke: (method: string) => {
      invoked.push(method);
      return Promise.resolve();
    },
  };
  const builder = {
    withUrl: () => builder,
    configureLogging: () => builder,
    withAutomaticReconnect: () => builder,
    build: () => connection,
  };
  return { client: new One2OneClient({ createBuilder: () => builder as unknown as HubConnectionBuilder }), invoked };
}

describe("One2OneClient", () => {
  for (const end of ["unregister", "stop"] as const) {
    it(`settles a call being set up when the hub's ${end === "unregister" ? "Unregister" : "Stop"} ends it, so the next call can be placed`, async () => {
      const { client, invoked } = connectedClient();
      const first = client.call("bob", "o1");

      await client.hub[end]();
      await client.hub.register("alice");
      void client.call("carol", "o2").catch(() => undefined);

      assert.deepEqual(
        invoked.filter((method) => method === "Call"),
        ["Call", "Call"],
        "the second call is not refused as one already being set up",
      );
      await assert.rejects(first, (error: unknown) => error instanceof One2OneError && error.reason === "cancelled");
    });
  }
});
