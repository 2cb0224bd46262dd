import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ConnectionError } from "../../src/errors.js";
import type { One2OneClient } from "../../src/signaling.js";
import { Softphone } from "../../src/softphone.js";
import { FakeServer } from "./signalr-fakes.js";
import { FakePeerConnection, until } from "./softphone-fakes.js";

/** A resume that asks again every 20 ms, for a second: long enough never to give up before the test acts. */
const retryEvery20Ms: readonly number[] = Array.from({ length: 50 }, () => 20);
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const isDisconnected = (error: unknown): boolean => error instanceof ConnectionError && error.reason === "disconnected";

/** A server without sign-in that accepts every registration and resume. */
function serverWithoutSignIn(): FakeServer {
  const server = new FakeServer();
  server.signIn = false;
  server.acceptRegistrations();
  return server;
}

describe("One2OneClient.disconnect() on a connection that is not up", () => {
  let current: One2OneClient | null = null;
  let phone: Softphone | null = null;
  afterEach(async () => {
    // Nothing left connected (or resuming) when a test fails, so no timer keeps the test's process alive.
    phone?.unregister();
    await current?.dropConnection();
  });

  it("reports a requested close while the network is down, and a resuming Softphone goes idle and resumes nothing once it is back", async () => {
    const server = serverWithoutSignIn();
    server.online = false;
    const client = (current = server.client());
    const closes: boolean[] = [];
    client.on("close", (_error, requested) => closes.push(requested));
    // After a reload or a lost connection, with the network down: the resume asks again and again.
    phone = new Softphone(client, { resumeRetryDelaysMs: retryEvery20Ms });
    phone.resume("alice", "token-1", true);
    await until(() => server.negotiations.length >= 1);

    await client.disconnect(); // the app leaves
    const negotiations = server.negotiations.length;
    server.online = true; // the network comes back
    await wait(150);

    assert.deepEqual(closes, [true], "the app's leave is reported");
    assert.equal(phone.state, "idle");
    assert.equal(server.negotiations.length, negotiations, "no connection is made after the app left");
    assert.deepEqual(server.invoked, [], "nothing resumed");
  });

  it("stops a start under way: that connect() and any until disconnect() has finished fail as disconnected; the next one connects", async () => {
    const server = serverWithoutSignIn();
    let answerNegotiate = (): void => undefined;
    server.negotiateWaitsFor = new Promise<void>((resolve) => (answerNegotiate = resolve));
    const client = (current = server.client());
    const closes: boolean[] = [];
    client.on("close", (_error, requested) => closes.push(requested));
    const connecting = client.connect();
    connecting.catch(() => undefined);
    await until(() => server.negotiations.length === 1);

    const leaving = client.disconnect();
    try {
      assert.deepEqual(closes, [true], "reported at once, before the start it stops fails");
      await assert.rejects(client.connect(), isDisconnected, "no new connection while leaving");
    } finally {
      answerNegotiate();
    }
    await leaving;

    await assert.rejects(connecting, isDisconnected, "stopped by the app, not unreachable");
    assert.equal(server.sockets.length, 0);
    server.negotiateWaitsFor = null;
    await client.connect();
    assert.equal(client.state, "connected");
  });

  it("turns the camera of a call held through a lost connection off while its resume waits for the network", async () => {
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    const server = serverWithoutSignIn();
    const accept = server.answer;
    server.answer = (invocation, socket) => {
      if (invocation.target === "Call") {
        setTimeout(() => socket.push("callResponse", { response: "accepted", sdpAnswer: "answer" }), 0);
      }
      return accept(invocation, socket);
    };
    const client = (current = server.client());
    const stopped: string[] = [];
    const track = (kind: string) => ({ kind, enabled: true, stop: () => stopped.push(kind) });
    const tracks = [track("audio"), track("video")];
    const camera = { getTracks: () => tracks, getAudioTracks: () => [tracks[0]], getVideoTracks: () => [tracks[1]] } as unknown as MediaStream;
    phone = new Softphone(client, { openMedia: () => Promise.resolve(camera), resumeRetryDelaysMs: retryEvery20Ms });
    phone.register("alice");
    await until(() => phone?.state === "registered");
    phone.call("bob");
    await until(() => phone?.state === "connecting");
    FakePeerConnection.last?.connect();
    assert.equal(phone.state, "in-call");

    // The network goes: the call's media is held while the phone tries to resume.
    server.online = false;
    server.lastSocket.drop();
    await until(() => server.negotiations.length >= 3);
    assert.equal(phone.state, "registering");
    assert.deepEqual(stopped, [], "held through the outage");

    await client.disconnect();

    assert.equal(phone.state, "idle");
    assert.deepEqual(stopped.sort(), ["audio", "video"], "the camera and microphone are off");
    server.online = true;
    await wait(100);
    assert.equal(server.invoked.filter((method) => method === "Resume").length, 0, "the call is not resumed");
  });
});
