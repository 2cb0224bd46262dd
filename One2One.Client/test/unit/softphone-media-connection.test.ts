import assert from "node:assert/strict";
import { afterEach, describe, it, mock } from "node:test";
import type { IceConfiguration } from "../../src/contract.js";
import { maximumRefreshMs } from "../../src/ice-refresh.js";
import { disconnectedGraceMs } from "../../src/reconnect.js";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, FakePeerConnection, noTracks, phoneInCall, registeredPhone, settle, turnServerExpiringAt, until } from "./softphone-fakes.js";

const now = Date.UTC(2026, 11, 6, 12, 0, 0);
const minute = 60_000;

function turnExpiringIn(inMs: number, name: string): IceConfiguration {
  return turnServerExpiringAt(now + inMs, name);
}

function usernameOf(configuration: RTCConfiguration | undefined): string | undefined {
  return configuration?.iceServers?.[0]?.username;
}

/** An RTCPeerConnection that refuses its configuration, as Chromium does an ICE server URL it cannot parse. */
class RefusingPeerConnection {
  constructor() {
    throw new DOMException("ICE server parsing failed", "SyntaxError");
  }
}

/** A camera whose tracks count their stop(). */
function camera(): { stream: MediaStream; stopped: () => number } {
  let stopped = 0;
  const track = { kind: "video", enabled: true, stop: () => stopped++ };
  const stream = { getTracks: () => [track], getAudioTracks: () => [], getVideoTracks: () => [track] } as unknown as MediaStream;
  return { stream, stopped: () => stopped };
}

function useRtcPeerConnection(type: unknown): void {
  (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = type;
}

describe("Softphone and its connection to the media server", () => {
  afterEach(() => {
    mock.timers.reset();
    mock.restoreAll();
    useRtcPeerConnection(FakePeerConnection);
  });

  it("renews the call's TURN credentials before they expire, and a media reconnect after that uses the fresh ones", async () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"], now });
    const client = new FakeClient();
    const issued = [turnExpiringIn(10 * minute, "first"), turnExpiringIn(60 * minute, "fresh"), turnExpiringIn(120 * minute, "third")];
    client.iceOutcome = () => Promise.resolve(issued[client.iceRequests - 1] ?? null);
    const { phone } = await phoneInCall([], undefined, client);
    assert.equal(client.iceRequests, 1, "fetched once, as the call started");
    assert.equal(usernameOf(FakePeerConnection.configurations.at(-1)), issued[0]!.iceServers[0]!.username);

    mock.timers.tick(8 * minute - 1);
    await settle();
    assert.equal(client.iceRequests, 1, "not before a fifth of the credential's 10 minutes is left");
    mock.timers.tick(1);
    await settle();
    assert.equal(client.iceRequests, 2);

    const made = FakePeerConnection.made;
    FakePeerConnection.last?.iceState("disconnected");
    mock.timers.tick(disconnectedGraceMs);
    await settle();
    assert.equal(FakePeerConnection.made, made + 1, "the lost path's call moved to a new connection");
    assert.equal(usernameOf(FakePeerConnection.configurations.at(-1)), issued[1]!.iceServers[0]!.username, "with the renewed credentials");

    FakePeerConnection.last?.connect();
    mock.timers.tick(maximumRefreshMs);
    await settle();
    assert.equal(client.iceRequests, 3, "the renewed credentials are renewed in their turn");

    phone.hangUp();
    await settle();
    mock.timers.tick(24 * 60 * minute);
    await settle();
    assert.equal(client.iceRequests, 3, "nothing is renewed after the call");
  });

  it("ends a call whose connection the browser refuses to make, closing the camera, and tells the server nothing", async () => {
    const client = new FakeClient();
    const { stream, stopped } = camera();
    const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(stream) });
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));
    phone.register("alice");
    await settle();
    useRtcPeerConnection(RefusingPeerConnection);

    phone.call("bob");
    await settle();
    await settle();

    assert.equal(phone.state, "registered", "not left calling");
    assert.equal(stopped(), 1, "the camera is closed");
    assert.deepEqual(client.calls, []);
    assert.equal(client.stops, 0, "the server never heard of the call");
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /could not be made \(ICE server parsing failed\)/);
  });

  it("rejects an accepted incoming call whose connection the browser refuses to make, so the caller is not left ringing", async () => {
    const client = new FakeClient();
    const { stream, stopped } = camera();
    const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(stream) });
    phone.register("bob");
    await settle();
    useRtcPeerConnection(RefusingPeerConnection);
    const warn = mock.method(console, "warn", () => {});
    client.emit("incomingCall", { from: "alice" });
    await settle();

    phone.accept();
    await settle();
    await settle();

    assert.equal(phone.state, "registered");
    assert.deepEqual(client.callResponses, ["alice: reject"]);
    assert.ok(stopped() >= 1, "the camera opened while it rang is closed");
    assert.ok(warn.mock.callCount() >= 1, "the offer prepared while ringing failed too");
  });

  it("ends a call whose media reconnect cannot make its new connection, and tells the server", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    const { client, phone } = await phoneInCall();
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));
    const old = FakePeerConnection.last;
    useRtcPeerConnection(RefusingPeerConnection);

    old?.iceState("failed");
    await settle();

    assert.equal(phone.state, "registered");
    assert.equal(client.stops, 1, "the server holds the call: it hears the end");
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /could not be made/);
    assert.equal(client.renegotiations.length, 0);
  });

  it("turns the camera off at once when the person hangs up while the ICE servers are still being asked for", async () => {
    const { stream, stopped } = camera();
    const { client, phone } = await registeredPhone("alice", () => Promise.resolve(stream));
    // A half-open connection: GetIceServers is never answered (until SignalR's server timeout, half a minute on).
    client.iceOutcome = () => new Promise(() => {});

    phone.call("bob");
    await settle();
    phone.hangUp();
    await settle();

    assert.equal(phone.state, "registered");
    assert.equal(stopped(), 1, "the camera's light goes off with the hang-up, once");
  });

  it("turns the ringing camera off at once when an accepted call is hung up while its ICE servers are still being asked for", async () => {
    const { stream, stopped } = camera();
    const { client, phone } = await registeredPhone("bob", () => Promise.resolve(stream));
    client.iceOutcome = () => new Promise(() => {});

    await acceptThenHangUp(client, phone);

    assert.equal(phone.state, "registered");
    assert.equal(stopped(), 1, "the camera opened while it rang goes off with the hang-up, once");
  });

  it("does not open the camera again for an accepted call that ended while its first opening was failing", async () => {
    const { stream } = camera();
    let opens = 0;
    let fail!: (error: unknown) => void;
    const { client, phone } = await registeredPhone("bob", () =>
      ++opens === 1 ? new Promise<MediaStream>((_, reject) => (fail = reject)) : Promise.resolve(stream));

    await acceptThenHangUp(client, phone);
    // The person dismisses the permission prompt of the first opening only now.
    fail(new DOMException("dismissed", "NotAllowedError"));
    await settle();
    await settle();

    assert.equal(opens, 1, "no second permission prompt for a call that is gone");
    assert.equal(phone.state, "registered");
  });

  it("shows the peer reconnecting when the server says so before this call's media connected, and keeps it once connected", async () => {
    const { client, phone, shown } = await callAnsweredNotConnected();
    assert.equal(phone.state, "connecting");

    client.emit("peerReconnecting", { peer: "bob" });
    assert.deepEqual(shown.at(-1), { self: false, peer: true }, "shown while this page's media still connects");
    FakePeerConnection.last?.connect();
    assert.equal(phone.state, "in-call");
    assert.deepEqual(shown.at(-1), { self: false, peer: true }, "still away once this page's media connected");

    client.emit("peerReconnected", { peer: "bob" });
    assert.deepEqual(shown.at(-1), { self: false, peer: false });
  });

  it("shows the peer reconnecting when the server says so right after a resume, and that the peer is back", async () => {
    const { client, phone } = await phoneInCall([10]);
    const shown: { self: boolean; peer: boolean }[] = [];
    phone.on("reconnectChange", (state) => shown.push(state));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });

    client.emit("close", undefined, false);
    await until(() => client.renegotiations.length === 1);
    assert.equal(phone.state, "connecting");
    assert.deepEqual(shown.at(-1), { self: true, peer: false }, "this page is coming back");

    client.emit("peerReconnecting", { peer: "bob" });
    assert.deepEqual(shown.at(-1), { self: true, peer: true }, "and bob is away too");
    FakePeerConnection.last?.connect();
    assert.deepEqual(shown.at(-1), { self: false, peer: true }, "this page is back; bob is still away");

    client.emit("peerReconnected", { peer: "bob" });
    assert.deepEqual(shown.at(-1), { self: false, peer: false });
  });

  it("shows the peer reconnecting when the server says so with a resume's acceptance, before the resume's answer", async () => {
    const { client, phone, shown, answer } = await resumingWhilePeerAway();
    answer({ ice: null, resumedCallWith: "bob" });
    await until(() => client.renegotiations.length === 1);

    assert.equal(phone.state, "connecting");
    assert.deepEqual(shown.at(-1), { self: true, peer: true }, "this page is coming back, and bob is away");
    FakePeerConnection.last?.connect();
    assert.deepEqual(shown.at(-1), { self: false, peer: true }, "this page is back; bob is still away");
  });

  it("forgets a peer reconnecting heard during a resume that brings no call back", async () => {
    const { client, phone, answer } = await resumingWhilePeerAway();
    answer({ ice: null, resumedCallWith: null });
    await until(() => phone.state === "registered");
    const shown: { self: boolean; peer: boolean }[] = [];
    phone.on("reconnectChange", (state) => shown.push(state));

    phone.call("carol");
    await settle();
    client.emit("callResponse", { response: "accepted", sdpAnswer: "answer" });
    await settle();
    FakePeerConnection.last?.connect();

    assert.equal(phone.state, "in-call");
    assert.deepEqual(shown.at(-1), { self: false, peer: false }, "carol is not shown as away");
  });

  it("forgets a peer reconnecting when the call ends before its media connected", async () => {
    const { client, phone, shown } = await callAnsweredNotConnected();
    client.emit("peerReconnecting", { peer: "bob" });

    client.emit("stopCommunication", { reason: "peer-disconnected", message: "bob did not come back" });
    await settle();
    assert.deepEqual(shown.at(-1), { self: false, peer: false }, "nothing is shown after the call");

    phone.call("carol");
    await settle();
    client.emit("callResponse", { response: "accepted", sdpAnswer: "answer" });
    await settle();
    FakePeerConnection.last?.connect();
    assert.equal(phone.state, "in-call");
    assert.deepEqual(shown.at(-1), { self: false, peer: false }, "carol is not shown as away");
  });

  it("tells the person when the media server refuses the call's video (none of the browser's video formats)", async () => {
    const withoutVideo = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 0 UDP/TLS/RTP/SAVPF 96\r\n";
    const withVideo = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
    for (const [answer, told] of [[withoutVideo, true], [withVideo, false]] as const) {
      const { client, phone, notices } = await registeredPhone("alice", () => Promise.resolve(noTracks));
      useRtcPeerConnection(FakePeerConnection);
      phone.call("bob");
      await settle();
      client.emit("callResponse", { response: "accepted", sdpAnswer: answer });
      await settle();

      assert.deepEqual(
        notices,
        told ? ["This call has no video: the server cannot relay this browser's video format. You can still hear each other."] : [],
      );
      assert.equal(phone.state, "connecting", "the call goes on, with sound");
    }
  });
});

/** Alice's call rings; the phone accepts it, and hangs up at once. */
/**
 * alice in a call with bob, her connection lost and her resume on its way (`answer` gives its outcome), the server
 * having said with the acceptance that bob is away; `shown` collects what the phone says is reconnecting from the start.
 */
async function resumingWhilePeerAway(): Promise<{
  client: FakeClient;
  phone: Softphone;
  shown: { self: boolean; peer: boolean }[];
  answer: (value: { ice: null; resumedCallWith: string | null }) => void;
}> {
  const { client, phone } = await phoneInCall([10]);
  const shown: { self: boolean; peer: boolean }[] = [];
  phone.on("reconnectChange", (state) => shown.push(state));
  let answer: (value: { ice: null; resumedCallWith: string | null }) => void = () => {};
  client.resumeOutcome = () => new Promise((resolve) => (answer = resolve));
  client.emit("close", undefined, false);
  await until(() => client.resumed.length === 1);
  client.emit("peerReconnecting", { peer: "bob" });
  return { client, phone, shown, answer: (value) => answer(value) };
}

/** alice's call to bob, answered, its media not connected yet; `shown` collects what the phone says is reconnecting. */
async function callAnsweredNotConnected(): Promise<{ client: FakeClient; phone: Softphone; shown: { self: boolean; peer: boolean }[] }> {
  const { client, phone } = await registeredPhone("alice", () => Promise.resolve(noTracks));
  const shown: { self: boolean; peer: boolean }[] = [];
  phone.on("reconnectChange", (state) => shown.push(state));
  useRtcPeerConnection(FakePeerConnection);
  phone.call("bob");
  await settle();
  client.emit("callResponse", { response: "accepted", sdpAnswer: "answer" });
  await settle();
  return { client, phone, shown };
}

async function acceptThenHangUp(client: FakeClient, phone: Softphone): Promise<void> {
  client.emit("incomingCall", { from: "alice" });
  await settle();
  phone.accept();
  await settle();
  phone.hangUp();
  await settle();
}
