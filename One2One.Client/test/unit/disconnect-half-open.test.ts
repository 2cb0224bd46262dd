import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { HubConnectionBuilder } from "@microsoft/signalr";
import { One2OneClient, unregisterTimeoutMs } from "../../src/signaling.js";
import { Softphone } from "../../src/softphone.js";
import { FakePeerConnection, settle } from "./softphone-fakes.js";

/**
 * A SignalR connection that is up but half-open: the server answers what came before the network changed, and nothing
 * after (an Unregister never completes). stop() closes it at once, as SignalR's WebSocket transport does.
 */
class HalfOpenConnection {
  state = "Connected";
  halfOpen = false;
  stops = 0;
  readonly invoked: string[] = [];
  private readonly closed: ((error?: Error) => void)[] = [];
  private readonly handlers = new Map<string, (payload: unknown) => void>();

  on(name: string, handler: (payload: unknown) => void): void {
    this.handlers.set(name.toLowerCase(), handler);
  }
  onclose(callback: (error?: Error) => void): void {
    this.closed.push(callback);
  }
  onreconnecting(): void {}
  onreconnected(): void {}
  invoke(method: string): Promise<unknown> {
    this.invoked.push(method);
    if (this.halfOpen) {
      return new Promise(() => undefined);
    }
    if (method === "Register") {
      this.push("registerResponse", { response: "accepted", resumeToken: "token-1" });
    } else if (method === "Call") {
      setImmediate(() => this.push("callResponse", { response: "accepted", sdpAnswer: "answer" }));
    } else if (method === "GetIceServers") {
      return Promise.resolve({ iceServers: [], iceTransportPolicy: "all" });
    }
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.stops++;
    this.state = "Disconnected";
    this.closed.forEach((callback) => callback(undefined));
    return Promise.resolve();
  }
  push(name: string, payload: unknown): void {
    this.handlers.get(name.toLowerCase())?.(payload);
  }
  client(): One2OneClient {
    const builder = { withUrl: () => builder, configureLogging: () => builder, withAutomaticReconnect: () => builder, build: () => this };
    return new One2OneClient({ createBuilder: () => builder as unknown as HubConnectionBuilder });
  }
}

describe("One2OneClient.disconnect() on a half-open connection", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  it(`waits at most ${unregisterTimeoutMs} ms for the Unregister, then closes: the call's camera turns off`, async () => {
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    const connection = new HalfOpenConnection();
    const client = connection.client();
    const stopped: string[] = [];
    const tracks = ["audio", "video"].map((kind) => ({ kind, enabled: true, stop: () => stopped.push(kind) }));
    const camera = { getTracks: () => tracks, getAudioTracks: () => [tracks[0]], getVideoTracks: () => [tracks[1]] } as unknown as MediaStream;
    const phone = new Softphone(client, { openMedia: () => Promise.resolve(camera) });
    const closes: boolean[] = [];
    client.on("close", (_error, requested) => closes.push(requested));
    phone.register("alice");
    await settle();
    phone.call("bob");
    await settle();
    await settle();
    FakePeerConnection.last?.connect();
    assert.equal(phone.state, "in-call");

    connection.halfOpen = true;
    const leaving = client.disconnect();
    await settle();
    assert.equal(connection.invoked.at(-1), "Unregister");
    mock.timers.tick(unregisterTimeoutMs - 1);
    await settle();
    assert.equal(connection.stops, 0, "the server still has a moment to take the Unregister");
    assert.deepEqual(stopped, []);

    mock.timers.tick(1);
    await settle();

    assert.equal(connection.stops, 1);
    assert.deepEqual(closes, [true]);
    assert.equal(phone.state, "idle");
    assert.deepEqual(stopped.sort(), ["audio", "video"], "no media goes on after the person left");
    await leaving;
  });
});
