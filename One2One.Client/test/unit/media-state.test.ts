import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MediaStateSync } from "../../src/features/media-state.js";
import { FakePeerConnection, phoneInCall, settle, until } from "./softphone-fakes.js";

describe("MediaStateSync", () => {
  it("tells a peer back from reconnecting that this side is muted (its page forgot while it was away)", async () => {
    const { client, phone } = await phoneInCall();
    new MediaStateSync(client.asClient, phone);
    phone.setMicrophoneEnabled(false);
    await settle();
    assert.deepEqual(client.mediaStates, [{ audio: false, video: true }]);

    client.emit("peerReconnecting", { name: "bob" });
    client.emit("peerReconnected", { name: "bob" });
    await settle();

    assert.deepEqual(client.mediaStates, [{ audio: false, video: true }, { audio: false, video: true }]);
  });

  it("sends nothing when the call ends while the peer is reconnecting", async () => {
    const { client, phone } = await phoneInCall();
    new MediaStateSync(client.asClient, phone);
    phone.setMicrophoneEnabled(false);
    await settle();

    client.emit("peerReconnecting", { name: "bob" });
    client.emit("stopCommunication", { reason: "peer-disconnected" });
    await settle();

    assert.equal(phone.state, "registered");
    assert.deepEqual(client.mediaStates, [{ audio: false, video: true }], "only the mute itself");
  });

  it("sends nothing when the peer comes back to a side that is not muted", async () => {
    const { client, phone } = await phoneInCall();
    new MediaStateSync(client.asClient, phone);

    client.emit("peerReconnecting", { name: "bob" });
    client.emit("peerReconnected", { name: "bob" });
    await settle();

    assert.deepEqual(client.mediaStates, []);
  });

  it("shows the peer's state during a call, and all on again once the call ends", async () => {
    const { client, phone } = await phoneInCall();
    const sync = new MediaStateSync(client.asClient, phone);
    const seen: { audio: boolean; video: boolean }[] = [];
    sync.on("peerMediaState", (state) => seen.push(state));

    client.emit("peerMediaState", { audio: true, video: false });
    phone.hangUp();
    await settle();

    assert.deepEqual(seen, [{ audio: true, video: false }, { audio: true, video: true }]);
  });

  it("tells the peer about an unmute made while the call was held by a lost connection", async () => {
    const { client, phone } = await phoneInCall();
    new MediaStateSync(client.asClient, phone);
    phone.setMicrophoneEnabled(false);
    await settle();

    client.emit("reconnecting", new Error("network"));
    phone.setMicrophoneEnabled(true);
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await until(() => client.renegotiations.length === 1);
    FakePeerConnection.last!.connect();
    await settle();

    assert.deepEqual(client.mediaStates.at(-1), { audio: true, video: true }, "the peer's page still shows the mute otherwise");
  });
});
