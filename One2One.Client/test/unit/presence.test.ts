import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Presence } from "../../src/features/presence.js";
import { FakeClient, registeredPhone, settle } from "./softphone-fakes.js";

describe("Presence", () => {
  it("makes one change, after the last, of messages that arrive together", async () => {
    const client = new FakeClient();
    const presence = new Presence(client.asClient);
    const changes: (readonly string[])[] = [];
    presence.on("change", (names) => changes.push(names));

    client.emit("onlineUsers", { names: ["zoe", "ann"], truncated: false });
    for (let i = 0; i < 1000; i++) {
      client.emit("presenceChanged", { name: `user-${i}`, online: true });
      client.emit("presenceChanged", { name: `user-${i}`, online: false });
    }
    client.emit("presenceChanged", { name: "bob", online: true });
    await settle();

    assert.deepEqual(changes, [["ann", "bob", "zoe"]]);
    assert.equal(presence.enabled, true);
  });

  it("ignores changes before the list and forgets the list when the connection goes", async () => {
    const client = new FakeClient();
    const presence = new Presence(client.asClient);
    const changes: (readonly string[])[] = [];
    presence.on("change", (names) => changes.push(names));

    client.emit("presenceChanged", { name: "early", online: true });
    client.emit("onlineUsers", { names: ["ann"], truncated: true });
    await settle();
    assert.deepEqual(changes, [["ann"]]);
    assert.equal(presence.truncated, true);

    client.emit("reconnecting");
    await settle();
    assert.deepEqual(changes, [["ann"], []]);
    assert.equal(presence.enabled, false);
  });

  it("forgets the list when the person signs out (the connection stays open, and the server sends it nothing more)", async () => {
    const { client, phone } = await registeredPhone();
    const presence = new Presence(client.asClient, phone);
    client.emit("onlineUsers", { names: ["ann"], truncated: false });
    await settle();
    assert.deepEqual(presence.names, ["ann"]);

    phone.unregister();
    await settle();

    assert.equal(presence.enabled, false);
    assert.deepEqual(presence.names, []);
  });
});
