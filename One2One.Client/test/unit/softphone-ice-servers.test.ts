import assert from "node:assert/strict";
import { afterEach, describe, it, mock } from "node:test";
import type { IceConfiguration } from "../../src/contract.js";
import { RefusedError } from "../../src/errors.js";
import { type Notice, Softphone } from "../../src/softphone.js";
import { FakeClient, FakePeerConnection, noTracks, settle, turnServerExpiringAt, until } from "./softphone-fakes.js";

const hour = 60 * 60_000;
const stunOnly: IceConfiguration = { iceServers: [{ urls: ["stun:stun.example.com:3478"], username: null, credential: null }], iceTransportPolicy: "all" };

/** A hub error of a moment, as GetIceServers may fail with. */
const hubError = (): Promise<never> => Promise.reject(new RefusedError("An unexpected error occurred invoking 'GetIceServers' on the server.", "unavailable"));

/** alice registered with `registration` as her ICE servers, GetIceServers answering as `outcomes` say (one per request); `notices` collects what she is told. */
async function registeredWith(
  registration: IceConfiguration | null,
  outcomes: (() => Promise<IceConfiguration | null>)[],
): Promise<{ client: FakeClient; phone: Softphone; notices: Notice[] }> {
  (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
  const client = new FakeClient();
  client.registerOutcome = () => Promise.resolve(registration);
  client.iceOutcome = () => (outcomes[client.iceRequests - 1] ?? hubError)();
  const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(noTracks) });
  const notices: Notice[] = [];
  phone.on("notice", (notice) => notices.push(notice));
  phone.register("alice");
  await settle();
  assert.equal(phone.state, "registered");
  return { client, phone, notices };
}

/** alice calls bob, and the call's RTCPeerConnection is made; its configuration is returned. */
async function callMade(phone: Softphone): Promise<RTCConfiguration | undefined> {
  const made = FakePeerConnection.made;
  phone.call("bob");
  await until(() => FakePeerConnection.made > made);
  await settle();
  assert.equal(FakePeerConnection.made, made + 1, "the call's connection was made");
  return FakePeerConnection.configurations.at(-1);
}

function usernameOf(configuration: RTCConfiguration | undefined): string | undefined {
  return configuration?.iceServers?.[0]?.username;
}

describe("Softphone's fresh ICE servers before a call", () => {
  afterEach(() => mock.restoreAll());

  it("asks once more when GetIceServers fails, and uses the fresh servers it then gets without a notice", async () => {
    mock.method(console, "warn", () => {});
    const registration = turnServerExpiringAt(Date.now() - hour, "registered");
    const fresh = turnServerExpiringAt(Date.now() + hour, "fresh");
    const { client, phone, notices } = await registeredWith(registration, [hubError, () => Promise.resolve(fresh)]);

    const used = await callMade(phone);

    assert.equal(client.iceRequests, 2, "asked once more");
    assert.equal(usernameOf(used), fresh.iceServers[0]!.username, "the fresh credential, not the expired one from registering");
    assert.deepEqual(notices, []);
    assert.equal(phone.state, "calling");
  });

  it("falls back to the registration's servers when it fails twice, and says the call may not connect when their credential has expired", async () => {
    mock.method(console, "warn", () => {});
    const registration = turnServerExpiringAt(Date.now() - hour, "registered");
    const { client, phone, notices } = await registeredWith(registration, [hubError, hubError]);

    const used = await callMade(phone);

    assert.equal(client.iceRequests, 2, "asked twice, no more");
    assert.equal(usernameOf(used), registration.iceServers[0]!.username, "the registration's servers: the call is still tried");
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.kind, "error");
    assert.match(notices[0]!.text, /relay \(TURN\) servers could not be refreshed.*may not connect/);
    assert.equal(phone.state, "calling", "the call goes on");
  });

  it("says nothing when it fails twice but the registration's TURN credential is still valid", async () => {
    mock.method(console, "warn", () => {});
    const registration = turnServerExpiringAt(Date.now() + hour, "registered");
    const { client, phone, notices } = await registeredWith(registration, [hubError, hubError]);

    const used = await callMade(phone);

    assert.equal(client.iceRequests, 2, "asked once more");
    assert.equal(usernameOf(used), registration.iceServers[0]!.username);
    assert.deepEqual(notices, []);
    assert.equal(phone.state, "calling");
  });

  it("says nothing when it fails twice and the registration has no TURN server", async () => {
    mock.method(console, "warn", () => {});
    const { client, phone, notices } = await registeredWith(stunOnly, [hubError, hubError]);

    const used = await callMade(phone);

    assert.equal(client.iceRequests, 2, "asked once more");
    assert.deepEqual(used?.iceServers, [{ urls: ["stun:stun.example.com:3478"] }], "the registration's STUN server");
    assert.deepEqual(notices, []);
    assert.equal(phone.state, "calling");
  });
});
