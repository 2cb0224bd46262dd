import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClient, FakePeerConnection, noTracks, phoneInCall, settle } from "./softphone-fakes.js";
import { Softphone } from "../../src/softphone.js";

describe("Softphone.callConnectedAt", () => {
  it("is when the call first connected, and stays so while the call resumes after a lost connection", async () => {
    const before = Date.now();
    const { client, phone } = await phoneInCall();
    const connectedAt = phone.callConnectedAt;
    assert.ok(connectedAt !== null && connectedAt >= before && connectedAt <= Date.now());

    await new Promise((resolve) => setTimeout(resolve, 20));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("close", undefined, false);
    await settle();
    assert.equal(phone.state, "connecting");
    assert.equal(phone.callConnectedAt, connectedAt, "the resumed call is the same call: its timer goes on");

    FakePeerConnection.last?.connect();
    await settle();
    assert.equal(phone.state, "in-call");
    assert.equal(phone.callConnectedAt, connectedAt);
  });

  it("is null between calls, and a new call starts its own", async () => {
    const { client, phone } = await phoneInCall();
    const first = phone.callConnectedAt;
    client.emit("stopCommunication", { reason: "hang-up" });
    await settle();
    assert.equal(phone.state, "registered");
    assert.equal(phone.callConnectedAt, null);

    await new Promise((resolve) => setTimeout(resolve, 20));
    phone.call("carol");
    await settle();
    assert.equal(phone.callConnectedAt, null, "a call being set up has not connected");
    client.emit("callResponse", { response: "accepted", sdpAnswer: "answer" });
    await settle();
    FakePeerConnection.last?.connect();
    assert.ok((phone.callConnectedAt ?? 0) > (first ?? 0));
  });

  it("after a reload, is the moment the page before it had, once the server resumes the call", async () => {
    const client = new FakeClient();
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(noTracks) });
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    const connectedAt = Date.now() - 90_000;
    phone.resume("alice", "token", true, false, connectedAt);
    await settle();
    assert.equal(phone.state, "connecting");
    assert.equal(phone.callConnectedAt, connectedAt);
  });

  it("after a reload, is null when the call ended while the page was away", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient);
    phone.resume("alice", "token", true, false, Date.now() - 90_000);
    await settle();
    assert.equal(phone.state, "registered");
    assert.equal(phone.callConnectedAt, null);
  });
});
