// The fakes the Softphone's unit tests share: a One2OneClient's signaling (FakeClient), just enough of an
// RTCPeerConnection (FakePeerConnection), and a phone registered or in a call on them.

import assert from "node:assert/strict";
import type { IceConfiguration } from "../../src/contract.js";
import type { One2OneClient } from "../../src/signaling.js";
import { Softphone } from "../../src/softphone.js";

/** The parts of a One2OneClient the Softphone uses for its registration and a call: events (on, off), register(), resume() and hub methods. */
export class FakeClient {
  readonly registered: string[] = [];
  /** The name the server's acceptances register (as it folds what was typed); undefined: an older server that does not say. */
  registeredAs: ((typed: string) => string) | undefined;
  /** What the next register() does after the server's answer: resolve, or never settle (still on its way). */
  registerOutcome: () => Promise<IceConfiguration | null> = () => Promise.resolve(null);
  readonly resumed: { name: string; token: string }[] = [];
  /** What the next resume() does: resolve (the server held the registration) or reject. */
  resumeOutcome: () => Promise<{ ice: null; resumedCallWith: string | null }> = () => Promise.resolve({ ice: null, resumedCallWith: null });
  unregistered = 0;
  /** Stop() invocations; what each does (never settling: the connection is half-open). */
  stops = 0;
  stopOutcome: () => Promise<void> = () => Promise.resolve();
  /** The offers sent with Call() and with Renegotiate() (a resumed call's or a reconnect's). */
  readonly calls: string[] = [];
  readonly renegotiations: string[] = [];
  /** What the next Renegotiate() does: resolve (answered by Renegotiated) or reject. */
  renegotiateOutcome: () => Promise<void> = () => Promise.resolve();
  /** GetIceServers invocations, and what the next one does. */
  iceRequests = 0;
  iceOutcome: () => Promise<IceConfiguration | null> = () => Promise.resolve(null);
  /** SetMediaState invocations. */
  readonly mediaStates: { audio: boolean; video: boolean }[] = [];
  /** IncomingCallResponse invocations ("from: response"), and what the next one does (resolve, or be refused). */
  readonly callResponses: string[] = [];
  callResponseOutcome: () => Promise<void> = () => Promise.resolve();
  readonly hub = {
    unregister: (): Promise<void> => {
      this.unregistered++;
      return Promise.resolve();
    },
    stop: (): Promise<void> => {
      this.stops++;
      return this.stopOutcome();
    },
    call: (to: string, sdpOffer: string): Promise<void> => {
      this.calls.push(`${to}: ${sdpOffer}`);
      return Promise.resolve();
    },
    renegotiate: (sdpOffer: string): Promise<void> => {
      this.renegotiations.push(sdpOffer);
      return this.renegotiateOutcome();
    },
    getIceServers: (): Promise<IceConfiguration | null> => {
      this.iceRequests++;
      return this.iceOutcome();
    },
    incomingCallResponse: (from: string, response: string): Promise<void> => {
      this.callResponses.push(`${from}: ${response}`);
      return this.callResponseOutcome();
    },
    onIceCandidate: (): Promise<void> => Promise.resolve(),
    setMediaState: (state: { audio: boolean; video: boolean }): Promise<void> => {
      this.mediaStates.push(state);
      return Promise.resolve();
    },
  };
  private readonly listeners = new Map<string, ((...args: never[]) => void)[]>();

  on(event: string, listener: (...args: never[]) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  off(event: string, listener: (...args: never[]) => void): void {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((added) => added !== listener));
  }

  /** How many listeners the client has (a disposed phone's are gone). */
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      listener(...(args as never[]));
    }
  }

  register(name: string): Promise<IceConfiguration | null> {
    this.registered.push(name);
    this.emit("registerResponse", { response: "accepted", resumeToken: `token-${this.registered.length}`, name: this.registeredAs?.(name) });
    return this.registerOutcome();
  }

  resume(name: string, token: string): Promise<{ ice: null; resumedCallWith: string | null }> {
    this.resumed.push({ name, token });
    if (this.registeredAs !== undefined) {
      this.emit("registerResponse", { response: "accepted", resumeToken: `token-resumed-${this.resumed.length}`, name: this.registeredAs(name) });
    }
    return this.resumeOutcome();
  }

  get asClient(): One2OneClient {
    return this as unknown as One2OneClient;
  }
}

export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Waits until `done` holds, for up to 5 s of real time: retries the Softphone chains on 0 ms timers may fire long after a
 * fixed wait on a busy machine. The test's own assertions follow (a condition never met fails there).
 */
export async function until(done: () => boolean, timer: typeof setTimeout = setTimeout, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => timer(resolve, 5));
  }
}

/** A connection's sender of one track (as addTrack made it); replaceTrack puts another on it. */
export class FakeRtpSender {
  constructor(public track: MediaStreamTrack | null) {}
  replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    this.track = track;
    return Promise.resolve();
  }
}

/** Just enough of an RTCPeerConnection for a MediaCall to offer, take an answer and connect when the test says. */
export class FakePeerConnection {
  static made = 0;
  static last: FakePeerConnection | null = null;
  /** Each connection's configuration, in the order they were made. */
  static readonly configurations: RTCConfiguration[] = [];
  private readonly iceListeners: (() => void)[] = [];
  connectionState: RTCPeerConnectionState = "new";
  iceConnectionState: RTCIceConnectionState = "new";
  localDescription: { sdp: string } | null = null;
  onconnectionstatechange: (() => void) | null = null;
  onicecandidate: unknown = null;
  ontrack: unknown = null;

  constructor(configuration: RTCConfiguration = {}) {
    FakePeerConnection.configurations.push(configuration);
    FakePeerConnection.made++;
    FakePeerConnection.last = this;
  }

  /** A sender for each track the MediaCall added, in order. */
  readonly senders: FakeRtpSender[] = [];
  addTrack(track: MediaStreamTrack): void {
    this.senders.push(new FakeRtpSender(track));
  }
  getSenders(): FakeRtpSender[] {
    return this.senders;
  }
  addEventListener(type: string, listener: () => void): void {
    if (type === "iceconnectionstatechange") {
      this.iceListeners.push(listener);
    }
  }
  closed = false;
  close(): void {
    this.closed = true;
  }
  /** The media server's track arrives (as when the answer is applied), in `stream`. */
  track(stream: MediaStream): void {
    (this.ontrack as ((event: { streams: MediaStream[] }) => void) | null)?.({ streams: [stream] });
  }
  createOffer(): Promise<{ type: "offer"; sdp: string }> {
    return Promise.resolve({ type: "offer", sdp: `offer-${FakePeerConnection.made}` });
  }
  setLocalDescription(description: { sdp: string }): Promise<void> {
    this.localDescription = description;
    return Promise.resolve();
  }
  setRemoteDescription(): Promise<void> {
    return Promise.resolve();
  }
  /** The ICE connection moves to `state` (a lost path: "disconnected", "failed"). */
  iceState(state: RTCIceConnectionState): void {
    this.iceConnectionState = state;
    this.iceListeners.forEach((listener) => listener());
  }
  connect(): void {
    this.connectionState = "connected";
    this.onconnectionstatechange?.();
  }
}

export const noTracks = { getTracks: () => [], getAudioTracks: () => [], getVideoTracks: () => [] } as unknown as MediaStream;

/** `phone` registers as alice and calls bob, who accepts: the call's media is still connecting. */
export async function callAnswered(phone: Softphone, client: FakeClient): Promise<void> {
  phone.register("alice");
  await settle();
  phone.call("bob");
  await settle();
  client.emit("callResponse", { response: "accepted", sdpAnswer: "answer" });
  await settle();
}

/** alice in a call with bob, on fake media; `opened` counts the times the camera was opened. */
export async function phoneInCall(
  resumeRetryDelaysMs: readonly number[] = [],
  camera: MediaStream = noTracks,
  client: FakeClient = new FakeClient(),
): Promise<{ client: FakeClient; phone: Softphone; opened: () => number; localStreams: (MediaStream | null)[] }> {
  let opened = 0;
  const phone = new Softphone(client.asClient, {
    resumeRetryDelaysMs,
    openMedia: () => {
      opened++;
      return Promise.resolve(camera);
    },
  });
  const localStreams: (MediaStream | null)[] = [];
  phone.on("localStream", (stream) => localStreams.push(stream));
  (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
  await callAnswered(phone, client);
  FakePeerConnection.last?.connect();
  assert.equal(phone.state, "in-call");
  return { client, phone, opened: () => opened, localStreams };
}

/** A phone registered as `name` (alice), opening its camera with `openMedia` when given; `notices` collects what it shows. */
export async function registeredPhone(
  name = "alice",
  openMedia?: () => Promise<MediaStream>,
): Promise<{ client: FakeClient; phone: Softphone; notices: string[] }> {
  const client = new FakeClient();
  const phone = new Softphone(client.asClient, openMedia === undefined ? {} : { openMedia });
  const notices: string[] = [];
  phone.on("notice", (notice) => notices.push(notice.text));
  phone.register(name);
  await settle();
  assert.equal(phone.state, "registered");
  return { client, phone, notices };
}

/** A TURN server with a TURN REST credential for `name` that expires at `expiresAtMs` (as the server mints them). */
export function turnServerExpiringAt(expiresAtMs: number, name = "alice"): IceConfiguration {
  const username = `${Math.floor(expiresAtMs / 1000)}:${name}`;
  return { iceServers: [{ urls: ["turn:turn.example.com:3478"], username, credential: "secret" }], iceTransportPolicy: "all" };
}
