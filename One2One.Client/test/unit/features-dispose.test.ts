import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { CallStatsMonitor } from "../../src/features/call-stats.js";
import { MediaDevicesControl } from "../../src/features/devices.js";
import { MediaStateSync } from "../../src/features/media-state.js";
import { MissedCalls } from "../../src/features/missed-calls.js";
import { Presence } from "../../src/features/presence.js";
import { Tones } from "../../src/features/tones.js";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, FakePeerConnection, noTracks, phoneInCall, registeredPhone, settle } from "./softphone-fakes.js";

/** Just enough Web Audio for Tones: counts the oscillators sounding and whether the context was closed. */
class FakeAudioContext {
  static made: FakeAudioContext[] = [];
  sounding = 0;
  closed = false;
  state = "running";
  currentTime = 0;
  readonly destination = {};
  constructor() {
    FakeAudioContext.made.push(this);
  }
  resume(): Promise<void> {
    return Promise.resolve();
  }
  suspend(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  createGain(): unknown {
    return { connect: () => undefined, disconnect: () => undefined, gain: { setValueAtTime: () => undefined } };
  }
  createOscillator(): unknown {
    return {
      frequency: { value: 0 },
      connect: () => undefined,
      disconnect: () => undefined,
      start: () => this.sounding++,
      stop: () => this.sounding--,
    };
  }
}

const globals = globalThis as { AudioContext?: unknown; navigator?: unknown };

describe("The features' dispose()", () => {
  const navigatorBefore = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  afterEach(() => {
    delete globals.AudioContext;
    if (navigatorBefore === undefined) {
      delete globals.navigator;
    } else {
      Object.defineProperty(globalThis, "navigator", navigatorBefore);
    }
  });

  it("MediaStateSync sends and reports nothing more", async () => {
    const { client, phone } = await phoneInCall();
    const sync = new MediaStateSync(client.asClient, phone);
    const seen: unknown[] = [];
    sync.on("peerMediaState", (state) => seen.push(state));

    sync.dispose();
    phone.setMicrophoneEnabled(false);
    client.emit("peerMediaState", { audio: false, video: false });
    await settle();

    assert.deepEqual(client.mediaStates, []);
    assert.deepEqual(seen, []);
  });

  it("Presence reports no change, not even one already coming", async () => {
    const { client, phone } = await registeredPhone();
    const presence = new Presence(client.asClient, phone);
    const changes: (readonly string[])[] = [];
    presence.on("change", (names) => changes.push(names));

    client.emit("onlineUsers", { names: ["ann"], truncated: false });
    presence.dispose();
    client.emit("presenceChanged", { name: "bob", online: true });
    await settle();

    assert.deepEqual(changes, []);
  });

  it("MissedCalls lists no call that rings after it", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(noTracks), openMediaWhileRinging: false });
    const missed = new MissedCalls(client.asClient, phone);
    phone.register("bob");
    await settle();

    missed.dispose();
    client.emit("incomingCall", { from: "alice" });
    client.emit("stopCommunication", { reason: "cancelled" });
    await settle();

    assert.deepEqual(missed.calls, []);
  });

  it("CallStatsMonitor stops polling the call", async () => {
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    const { client, phone } = await registeredPhone("alice", () => Promise.resolve(noTracks));
    let polls = 0;
    phone.getStats = () => {
      polls++;
      return Promise.resolve(null);
    };
    const stats = new CallStatsMonitor(phone, 5);
    phone.call("bob");
    await settle();
    client.emit("callResponse", { response: "accepted", sdpAnswer: "answer" });
    await settle();
    FakePeerConnection.last?.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(polls > 0, "polling the call");

    stats.dispose();
    const pollsAtDispose = polls;
    await new Promise((resolve) => setTimeout(resolve, 30));
    const pollsAfter = polls;
    phone.hangUp();

    assert.equal(pollsAfter, pollsAtDispose, "no timer left");
  });

  it("Tones falls silent, closes its AudioContext, and sounds no more", async () => {
    globals.AudioContext = FakeAudioContext;
    FakeAudioContext.made = [];
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { openMediaWhileRinging: false });
    const tones = new Tones(phone);
    phone.register("bob");
    await settle();
    client.emit("incomingCall", { from: "alice" });
    const [context] = FakeAudioContext.made;
    assert.equal(context?.sounding, 2, "ringing");

    tones.dispose();
    assert.equal(context.sounding, 0);
    assert.equal(context.closed, true);

    client.emit("stopCommunication", { reason: "cancelled" });
    client.emit("incomingCall", { from: "carol" });
    assert.equal(FakeAudioContext.made.length, 1, "no tone plays for the next ring");
    assert.equal(tones.current, null);
  });

  it("MediaDevicesControl stops listening to the browser's device changes", async () => {
    const mediaDevices = new EventTarget();
    let enumerations = 0;
    Object.assign(mediaDevices, {
      enumerateDevices: () => {
        enumerations++;
        return Promise.resolve([]);
      },
    });
    Object.defineProperty(globalThis, "navigator", { configurable: true, value: { mediaDevices } });
    const { phone } = await registeredPhone();
    const devices = new MediaDevicesControl(phone);
    mediaDevices.dispatchEvent(new Event("devicechange"));
    await settle();
    assert.equal(enumerations, 1);

    devices.dispose();
    mediaDevices.dispatchEvent(new Event("devicechange"));
    await settle();

    assert.equal(enumerations, 1);
  });
});
