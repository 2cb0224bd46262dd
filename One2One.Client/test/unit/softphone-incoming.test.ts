import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { RefusedError } from "../../src/errors.js";
import type { Notice } from "../../src/softphone.js";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, FakePeerConnection, noTracks, phoneInCall, registeredPhone, settle, until } from "./softphone-fakes.js";

/** The refusals of an answer to a call that stopped ringing a moment before (the caller cancelled, it rang out). */
const ringGone = [
  new RefusedError("There is no incoming call from alice.", "no-such-call"),
  new RefusedError("The call from alice is no longer ringing.", "not-ringing"),
];

describe("Softphone's incoming calls", () => {
  beforeEach(() => {
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
  });
  afterEach(() => {
    delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
  });

  it("lets only the phone registered on a shared connection answer its incoming calls: an idle one ignores them", async () => {
    const client = new FakeClient();
    const idle = new Softphone(client.asClient);
    const phone = new Softphone(client.asClient, { openMediaWhileRinging: false });
    phone.register("bob");
    await settle();

    client.emit("incomingCall", { from: "alice" });
    await settle();

    assert.deepEqual(client.callResponses, [], "not declined by the phone that is not registered");
    assert.equal(idle.state, "idle");
    assert.equal(phone.state, "incoming");
  });

  it("declines an incoming call while busy in a call of its own", async () => {
    const { client, phone } = await phoneInCall();

    client.emit("incomingCall", { from: "carol" });
    await settle();

    assert.deepEqual(client.callResponses, ["carol: reject"]);
    assert.equal(phone.state, "in-call");
  });

  it("rings for a call that came while its registration was on its way, once registered", async () => {
    const { client, phone, registered } = await registeringPhone();

    client.emit("incomingCall", { from: "alice" });
    await settle();
    assert.equal(phone.state, "registering");
    registered(null);
    await settle();

    assert.equal(phone.state, "incoming", "the ring was held, not lost");
    assert.equal(phone.current.peer, "alice");
    assert.deepEqual(client.callResponses, [], "nothing declined it");
  });

  it("does not ring for a call withdrawn while its registration was on its way", async () => {
    const { client, phone, registered } = await registeringPhone();

    client.emit("incomingCall", { from: "alice" });
    client.emit("stopCommunication", { reason: "cancelled" });
    registered(null);
    await settle();

    assert.equal(phone.state, "registered");
  });

  for (const refusal of ringGone) {
    it(`declines quietly when the server refuses the decline as ${refusal.reason} (the caller cancelled just before)`, async () => {
      const { client, phone, notices } = await ringingWithAnswersRefused(refusal);

      phone.reject();
      await settle();
      client.emit("stopCommunication", { reason: "cancelled" });
      await settle();

      assert.deepEqual(notices, [], "the call is gone, which is what the person wanted");
      assert.equal(phone.state, "registered");
    });

    it(`says once, as news, that the call is no longer ringing when the server refuses the accept as ${refusal.reason}`, async () => {
      const { client, phone, notices } = await ringingWithAnswersRefused(refusal);

      phone.accept();
      await until(() => phone.state === "registered");
      client.emit("stopCommunication", { reason: "cancelled" });
      await settle();

      assert.deepEqual(notices, [{ text: "The call from alice is no longer ringing.", kind: "info" }], "the StopCommunication after it adds nothing");
    });
  }
});

/** Bob's phone ringing with a call from alice, the server refusing his answer with `refusal`; the notices it shows. */
async function ringingWithAnswersRefused(refusal: Error) {
  const { client, phone } = await registeredPhone("bob", () => Promise.resolve(noTracks));
  const notices: Notice[] = [];
  phone.on("notice", (notice) => notices.push(notice));
  client.emit("incomingCall", { from: "alice" });
  await settle();
  client.callResponseOutcome = () => Promise.reject(refusal);
  return { client, phone, notices };
}

/** Bob's phone with its registration on its way; `registered` is the server's answer arriving. */
async function registeringPhone() {
  const client = new FakeClient();
  let registered: (ice: null) => void = () => undefined;
  client.registerOutcome = () => new Promise((resolve) => (registered = resolve));
  const phone = new Softphone(client.asClient, { openMediaWhileRinging: false });
  phone.register("bob");
  await settle();
  return { client, phone, registered: (ice: null) => registered(ice) };
}
