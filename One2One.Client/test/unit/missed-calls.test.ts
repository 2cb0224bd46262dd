import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MissedCalls, maxMissedCalls } from "../../src/features/missed-calls.js";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, noTracks, settle } from "./softphone-fakes.js";

async function ringing(): Promise<{ client: FakeClient; phone: Softphone; missed: MissedCalls }> {
  const client = new FakeClient();
  const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(noTracks), openMediaWhileRinging: false });
  const missed = new MissedCalls(client.asClient, phone);
  phone.register("bob");
  await settle();
  client.emit("incomingCall", { from: "alice" });
  await settle();
  assert.equal(phone.state, "incoming");
  return { client, phone, missed };
}

describe("MissedCalls", () => {
  it("lists a call that rang and was cancelled by the caller", async () => {
    const { client, missed } = await ringing();

    client.emit("stopCommunication", { reason: "cancelled" });
    await settle();

    assert.deepEqual(missed.calls.map((c) => c.from), ["alice"]);
  });

  it("does not list a call the person declined, even when the caller's cancel crossed the decline", async () => {
    const { client, phone, missed } = await ringing();

    phone.reject();
    await settle();
    client.emit("stopCommunication", { reason: "cancelled" });
    await settle();

    assert.deepEqual(client.callResponses, ["alice: reject"]);
    assert.deepEqual(missed.calls, []);
  });

  it("keeps the latest 50, newest first, however often a caller rings and cancels", async () => {
    const { client, missed } = await ringing();
    client.emit("stopCommunication", { reason: "cancelled" });
    await settle();
    for (let ring = 1; ring <= 60; ring++) {
      client.emit("incomingCall", { from: `caller-${ring}` });
      await settle();
      client.emit("stopCommunication", { reason: "cancelled" });
      await settle();
    }

    assert.equal(maxMissedCalls, 50);
    assert.equal(missed.calls.length, maxMissedCalls);
    assert.equal(missed.calls[0]?.from, "caller-60", "the newest first");
    assert.equal(missed.calls.at(-1)?.from, "caller-11", "the oldest kept");
  });
});
