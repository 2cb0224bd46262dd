import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MediaCall } from "../../src/call.js";
import { HeldCall } from "../../src/held-call.js";

/** A call's media that records how it was closed. */
function media(): MediaCall & { closedWith: boolean | null } {
  const stream = {} as MediaStream;
  const fake = {
    localStream: stream,
    closedWith: null as boolean | null,
    close(stopTracks = true): void {
      fake.closedWith = stopTracks;
    },
  };
  return fake as unknown as MediaCall & { closedWith: boolean | null };
}

describe("HeldCall", () => {
  it("hands the held media of the resumed call over, and closes it keeping its camera once the new connection connects", () => {
    const held = new HeldCall();
    const call = media();
    held.hold(call, "bob");

    assert.equal(held.beginHandover("bob"), call);
    assert.equal(held.isHeld, false);
    assert.equal(held.handover, call);
    assert.ok(held.owns(call.localStream));
    const remote = {} as MediaStream;
    assert.equal(held.deferRemote(remote), true, "the new connection's video waits");

    assert.equal(held.completeHandover(), remote);
    assert.equal(call.closedWith, false, "its tracks go on in the new connection");
    assert.deepEqual(held.connections, []);
  });

  it("hands over the held call of a peer dialled in another spelling than the server registered", () => {
    for (const typed of ["Bob", "\uFF42\uFF4F\uFF42", " bob "]) {
      const held = new HeldCall();
      const call = media();
      held.hold(call, typed);

      assert.equal(held.beginHandover("bob"), call, typed);
      assert.equal(call.closedWith, null, `${typed}: not closed`);
    }
  });

  it("closes held media of another call when a different call is resumed", () => {
    const held = new HeldCall();
    const call = media();
    held.hold(call, "bob");

    assert.equal(held.beginHandover("carol"), null);
    assert.equal(call.closedWith, true);
    assert.equal(held.deferRemote({} as MediaStream), false, "nothing to wait for: shown at once");
  });

  it("holds the handed-over media again when the signaling connection drops during the handover", () => {
    const held = new HeldCall();
    const call = media();
    held.hold(call, "bob");
    held.beginHandover("bob");

    assert.equal(held.holdHandover("bob"), true);
    assert.equal(held.isHeld, true);
    assert.equal(held.handover, null);
    assert.equal(call.closedWith, null, "still carrying the call");
    assert.equal(held.beginHandover("bob"), call, "the next resume hands the same media over");
  });

  it("drops held media with its camera, and reports whether there was any", () => {
    const held = new HeldCall();
    assert.equal(held.drop(), false);
    const call = media();
    held.hold(call, "bob");

    assert.equal(held.drop(), true);
    assert.equal(call.closedWith, true);
    assert.equal(held.holdHandover("bob"), false, "no handover under way");
  });
});
