import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, FakePeerConnection, phoneInCall, registeredPhone, settle } from "./softphone-fakes.js";

/** A camera whose tracks say how many are still on (opened and not stopped). */
function countedCamera(): { open: () => Promise<MediaStream>; on: () => number } {
  let on = 0;
  const open = (): Promise<MediaStream> => {
    const tracks = ["audio", "video"].map((kind) => {
      on++;
      let stopped = false;
      return {
        kind,
        enabled: true,
        stop: () => {
          if (!stopped) {
            stopped = true;
            on--;
          }
        },
      };
    });
    const stream = { getTracks: () => tracks, getAudioTracks: () => [tracks[0]], getVideoTracks: () => [tracks[1]] };
    return Promise.resolve(stream as unknown as MediaStream);
  };
  return { open, on: () => on };
}

describe("Softphone.dispose()", () => {
  it("lets a new phone take the client over: only the new one rings, and no camera is left on", async () => {
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    const client = new FakeClient();
    const camera = countedCamera();
    const old = new Softphone(client.asClient, { openMedia: camera.open });
    old.register("alice");
    await settle();

    // The app's phone component is mounted again: the old phone is put away and a new one made on the same client.
    old.dispose();
    assert.equal(client.unregistered, 1, "signed out, so the new phone can register the name");
    assert.equal(old.state, "idle");
    const oldStates: string[] = [];
    old.on("stateChange", (snapshot) => oldStates.push(snapshot.state));
    const phone = new Softphone(client.asClient, { openMedia: camera.open });
    phone.register("alice");
    await settle();

    client.emit("incomingCall", { from: "bob" });
    await settle();
    assert.equal(phone.state, "incoming");
    phone.reject();
    await settle();

    assert.deepEqual(oldStates, [], "the old phone no longer follows the client");
    assert.deepEqual(client.callResponses, ["bob: reject"]);
    assert.equal(camera.on(), 0, "the camera opened while it rang is off again");
  });

  it("hangs up a call and turns its camera off, and takes all its listeners off the client", async () => {
    const camera = countedCamera();
    const listeners = new FakeClient();
    const before = ["close", "incomingCall", "registerResponse"].map((event) => listeners.listenerCount(event));
    const { client, phone } = await phoneInCall([], await camera.open(), listeners);
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));

    phone.dispose();
    client.emit("close", undefined, false);
    await settle();

    assert.equal(camera.on(), 0);
    assert.equal(client.unregistered, 1, "the server ends the call as a hang-up");
    assert.equal(phone.state, "idle");
    assert.deepEqual(client.resumed, [], "a lost connection afterwards is not resumed");
    assert.deepEqual(notices, []);
    assert.deepEqual(["close", "incomingCall", "registerResponse"].map((event) => client.listenerCount(event)), before);
  });

  it("turns off the camera of a call held through a lost connection, and resumes nothing", async () => {
    const camera = countedCamera();
    const { client, phone } = await phoneInCall([20], await camera.open());
    client.resumeOutcome = () => new Promise(() => undefined);
    client.emit("close", undefined, false);
    await settle();
    assert.equal(phone.state, "registering");
    assert.equal(camera.on(), 2, "the call's media is held while the phone resumes");

    phone.dispose();
    await new Promise((resolve) => setTimeout(resolve, 40));

    assert.equal(camera.on(), 0);
    assert.equal(client.resumed.length, 1, "the resume on its way, and no other");
  });

  it("ignores the app's actions afterwards", async () => {
    const { client, phone } = await registeredPhone();
    phone.dispose();

    phone.register("alice");
    phone.call("bob");
    await settle();

    assert.deepEqual(client.registered, ["alice"]);
    assert.deepEqual(client.calls, []);
    assert.equal(phone.state, "idle");
  });
});
