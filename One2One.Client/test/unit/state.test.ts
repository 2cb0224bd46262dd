import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canHandle, initialSnapshot, type PhoneEvent, type PhoneSnapshot, phoneStates, transition } from "../../src/state.js";

function run(...events: PhoneEvent[]): PhoneSnapshot | undefined {
  let snapshot: PhoneSnapshot | undefined = initialSnapshot;
  for (const event of events) {
    snapshot = snapshot === undefined ? undefined : transition(snapshot, event);
  }
  return snapshot;
}

describe("the softphone's state machine", () => {
  it("registers, calls, connects and hangs up", () => {
    const registered = run({ kind: "register", user: "alice" }, { kind: "registered" });
    assert.deepEqual(registered, { state: "registered", user: "alice", peer: null });
    const calling = run({ kind: "register", user: "alice" }, { kind: "registered" }, { kind: "dial", peer: "bob" });
    assert.deepEqual(calling, { state: "calling", user: "alice", peer: "bob" });
    const inCall = run(
      { kind: "register", user: "alice" },
      { kind: "registered" },
      { kind: "dial", peer: "bob" },
      { kind: "answered" },
      { kind: "media-connected" },
    );
    assert.equal(inCall?.state, "in-call");
    const ended = inCall && transition(transition(inCall, { kind: "hang-up" })!, { kind: "ended" });
    assert.deepEqual(ended, { state: "registered", user: "alice", peer: null });
  });

  it("rings, accepts and connects", () => {
    const snapshot = run({ kind: "register", user: "bob" }, { kind: "registered" }, { kind: "ring", from: "alice" }, { kind: "accept" });
    assert.deepEqual(snapshot, { state: "connecting", user: "bob", peer: "alice" });
  });

  it("refuses events that make no sense in the current state", () => {
    assert.equal(transition(initialSnapshot, { kind: "dial", peer: "bob" }), undefined, "no call before registering");
    assert.equal(run({ kind: "register", user: "a" }, { kind: "register", user: "b" }), undefined, "no double registration");
    assert.equal(run({ kind: "register", user: "a" }, { kind: "registered" }, { kind: "accept" }), undefined, "nothing to accept");
    assert.equal(run({ kind: "register", user: "a" }, { kind: "registered" }, { kind: "ended" }), undefined, "no call to end");
    const ringing = run({ kind: "register", user: "a" }, { kind: "registered" }, { kind: "dial", peer: "b" });
    assert.equal(ringing && transition(ringing, { kind: "ring", from: "c" }), undefined, "a busy phone does not ring");
  });

  it("goes back to idle from every state when the connection closes", () => {
    for (const state of phoneStates) {
      const snapshot: PhoneSnapshot = { state, user: "alice", peer: state === "idle" ? null : "bob" };
      assert.ok(canHandle(snapshot, "disconnected"), state);
      assert.deepEqual(transition(snapshot, { kind: "disconnected" }), initialSnapshot, state);
    }
  });

  it("signing out goes back to idle from every state but idle, registering included (a call held while the connection comes back)", () => {
    for (const state of phoneStates) {
      const snapshot: PhoneSnapshot = { state, user: state === "idle" ? null : "alice", peer: null };
      const next = transition(snapshot, { kind: "unregistered" });
      if (state === "idle") {
        assert.equal(next, undefined, state);
      } else {
        assert.deepEqual(next, initialSnapshot, state);
      }
    }
  });

  it("a resume that finds the call goes from registering straight back into it, never through registered", () => {
    const resumed = run({ kind: "register", user: "alice" }, { kind: "resume-call", peer: "bob" });
    assert.deepEqual(resumed, { state: "connecting", user: "alice", peer: "bob" });
    assert.equal(run({ kind: "register", user: "alice" }, { kind: "registered" }, { kind: "resume-call", peer: "bob" }), undefined);
  });

  it("a failed registration forgets the name", () => {
    assert.deepEqual(run({ kind: "register", user: "alice" }, { kind: "registration-failed" }), initialSnapshot);
  });
});
