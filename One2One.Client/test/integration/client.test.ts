import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionError, One2OneClient, One2OneError, RefusedError, RejectedError } from "../../src/index.js";
import { LogLevel } from "@microsoft/signalr";
import { hubUrl, newClient, nextEvent, recordedOffer, registered, unique } from "./server.js";

/** Asserts that `promise` rejects with an instance of `type` whose reason is `reason`. */
async function rejectsWith(promise: Promise<unknown>, type: abstract new (...args: never[]) => One2OneError, reason: string): Promise<One2OneError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    return error;
  }
  assert.fail(`expected a ${type.name} (${reason}), but it resolved`);
}

/** A promise the test awaits later: marked handled now, so a rejection that comes first is not "unhandled". */
function pending<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

describe("One2OneClient against the real server", () => {
  it("registers a name, and a second registration of it is rejected with name-taken", async () => {
    const [, alice] = await registered("alice");
    const other = newClient();
    const error = await rejectsWith(other.register(alice), RejectedError, "name-taken");
    assert.ok(error instanceof RejectedError && error.serverMessage?.includes(alice), error.message);
  });

  it("rejects an invalid name with invalid-name", async () => {
    await rejectsWith(newClient().register("   "), RejectedError, "invalid-name");
  });

  it("refusals of invocations are typed errors with the server's reason code", async () => {
    const stranger = newClient();
    await stranger.connect();
    const error = await rejectsWith(stranger.hub.stop(), RefusedError, "not-registered");
    assert.equal(error.message, "Register a name first.");

    const [alice] = await registered("alice");
    await rejectsWith(alice.hub.call(unique("bob"), ""), RefusedError, "missing-offer");
    await rejectsWith(alice.hub.incomingCallResponse(unique("carol"), "accept", recordedOffer), RefusedError, "no-such-call");
    await rejectsWith(alice.hub.onIceCandidate({ candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: null, sdpMLineIndex: null }), RefusedError, "invalid-candidate");
  });

  it("an invocation on a connection that is not up is a ConnectionError", async () => {
    await rejectsWith(newClient().hub.stop(), ConnectionError, "disconnected");
  });

  it("a server that is not there is unreachable", async () => {
    const nowhere = new URL(hubUrl);
    nowhere.port = "9";
    const client = new One2OneClient({ url: nowhere.toString(), logger: LogLevel.None });
    await rejectsWith(client.connect(), ConnectionError, "unreachable");
  });

  it("calls of unknown users and of oneself are rejected with their reasons", async () => {
    const [alice, aliceName] = await registered("alice");
    await rejectsWith(alice.call(unique("nobody"), recordedOffer), RejectedError, "unknown-user");
    await rejectsWith(alice.call(aliceName, recordedOffer), RejectedError, "self-call");
  });

  it("places a call that is accepted: both sides get the embedded media server's answer, then a hang-up reaches the callee", async () => {
    const [alice, aliceName] = await registered("alice");
    const [bob, bobName] = await registered("bob");
    const ringing = nextEvent(bob, "incomingCall");
    // The media server's candidates follow the answer at once, possibly before bob's accept() has resolved.
    const candidate = pending(nextEvent(alice, "iceCandidate"));

    const callerAnswer = alice.call(bobName, recordedOffer);
    assert.equal((await ringing).from, aliceName);
    const calleeAnswer = await bob.accept(aliceName, recordedOffer);

    for (const answer of [await callerAnswer, calleeAnswer]) {
      assert.match(answer, /^v=0\r?\n/);
      assert.match(answer, /a=ice-lite/, "the embedded media server answers as an ICE-lite endpoint");
    }
    assert.match((await candidate).candidate.candidate, /^candidate:/);
    await alice.sendCandidate({ candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 });

    const ended = nextEvent(bob, "stopCommunication");
    await alice.hangUp();
    assert.equal((await ended).reason, "hung-up");
  });

  it("a declined call rejects the caller's promise with declined", async () => {
    const [alice, aliceName] = await registered("alice");
    const [bob, bobName] = await registered("bob");
    const ringing = nextEvent(bob, "incomingCall");
    const call = pending(alice.call(bobName, recordedOffer));
    await ringing;
    await bob.reject(aliceName);
    await rejectsWith(call, RejectedError, "declined");
  });

  it("a third caller gets busy while the callee's phone rings", async () => {
    const [alice] = await registered("alice");
    const [bob, bobName] = await registered("bob");
    const [carol] = await registered("carol");
    const ringing = nextEvent(bob, "incomingCall");
    const first = pending(alice.call(bobName, recordedOffer));
    await ringing;

    await rejectsWith(carol.call(bobName, recordedOffer), RejectedError, "busy");

    const withdrawn = nextEvent(bob, "stopCommunication");
    await alice.hangUp();
    await rejectsWith(first, One2OneError, "cancelled");
    assert.equal((await withdrawn).reason, "cancelled");
  });

  it("disconnect() leaves: a pending call is rejected with disconnected and the callee hears it was cancelled", async () => {
    const [alice] = await registered("alice");
    const [bob, bobName] = await registered("bob");
    const ringing = nextEvent(bob, "incomingCall");
    const call = pending(alice.call(bobName, recordedOffer));
    await ringing;
    const gone = nextEvent(bob, "stopCommunication");
    await alice.disconnect();
    await rejectsWith(call, ConnectionError, "disconnected");
    assert.equal((await gone).reason, "cancelled");
  });

  it("disconnect() frees the name at once (a lost connection would hold it for a resume) and reports a requested close", async () => {
    const [alice, aliceName] = await registered("alice");
    const closes: boolean[] = [];
    alice.on("close", (_error, requested) => closes.push(requested));
    await alice.disconnect();
    assert.deepEqual(closes, [true]);

    const newcomer = newClient();
    await newcomer.register(aliceName.toUpperCase());
  });

  it("dropConnection() is a loss, not a leave: the close is not requested and the name waits for a resume", async () => {
    const [alice, aliceName] = await registered("alice");
    const closes: boolean[] = [];
    alice.on("close", (_error, requested) => closes.push(requested));
    await alice.dropConnection();
    assert.deepEqual(closes, [false]);

    await rejectsWith(newClient().register(aliceName), RejectedError, "name-taken");
  });
});
