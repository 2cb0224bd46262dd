import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rtcConfiguration } from "../../src/call.js";
import type { IceConfiguration } from "../../src/contract.js";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, FakePeerConnection, noTracks, settle } from "./softphone-fakes.js";

const appTurn: RTCIceServer = { urls: ["turn:turn.app.example:3478"], username: "u", credential: "c" };
/** What a server with no Ice:StunUrls or Turn:Urls answers. */
const serverWithNone: IceConfiguration = { iceServers: [], iceTransportPolicy: "all" };
const serverStun: IceConfiguration = { iceServers: [{ urls: ["stun:stun.server.example:3478"], username: null, credential: null }], iceTransportPolicy: "all" };

describe("rtcConfiguration (the app's RTCConfiguration with the server's ICE servers)", () => {
  it("keeps the app's TURN servers and its relay policy when the server configures none", () => {
    const used = rtcConfiguration(serverWithNone, { iceServers: [appTurn], iceTransportPolicy: "relay" });

    assert.deepEqual(used.iceServers, [appTurn]);
    assert.equal(used.iceTransportPolicy, "relay", "not downgraded to all: the app keeps its address private");
  });

  it("puts the app's servers first and the server's after them", () => {
    const used = rtcConfiguration(serverStun, { iceServers: [appTurn], bundlePolicy: "max-bundle" });

    assert.deepEqual(used.iceServers, [appTurn, { urls: ["stun:stun.server.example:3478"] }]);
    assert.equal(used.iceTransportPolicy, "all");
    assert.equal(used.bundlePolicy, "max-bundle", "the app's other settings are kept");
  });

  it("is relay when the server asks for it, whatever the app says", () => {
    assert.equal(rtcConfiguration({ ...serverStun, iceTransportPolicy: "relay" }, { iceTransportPolicy: "all" }).iceTransportPolicy, "relay");
  });
});

describe("Softphone's RTCPeerConnection configuration", () => {
  it("has the app's TURN servers and relay policy when the server configures no ICE servers", async () => {
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    const client = new FakeClient();
    client.iceOutcome = () => Promise.resolve(serverWithNone);
    const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(noTracks), rtcConfiguration: { iceServers: [appTurn], iceTransportPolicy: "relay" } });
    phone.register("alice");
    await settle();

    phone.call("bob");
    await settle();
    await settle();

    const used = FakePeerConnection.configurations.at(-1);
    assert.deepEqual(used?.iceServers, [appTurn]);
    assert.equal(used?.iceTransportPolicy, "relay");
  });
});
