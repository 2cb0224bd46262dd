import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { MediaCall } from "../../src/call.js";
import { attemptTimeoutMs, disconnectedGraceMs, MediaReconnect, type ReconnectHost, type ReconnectState } from "../../src/reconnect.js";

/** A MediaCall whose connection's ICE state the test sets. */
class FakeMedia {
  iceConnectionState: RTCIceConnectionState = "connected";
  readonly answers: string[] = [];
  trickling = false;
  private readonly listeners: (() => void)[] = [];

  constructor(readonly offer: string) {}

  readonly peerConnection = {
    addEventListener: (_event: string, listener: () => void) => this.listeners.push(listener),
    get iceConnectionState(): RTCIceConnectionState {
      return this.owner.iceConnectionState;
    },
    owner: this,
  };

  ice(state: RTCIceConnectionState): void {
    this.iceConnectionState = state;
    for (const listener of this.listeners) {
      listener();
    }
  }

  createOffer(): Promise<string> {
    return Promise.resolve(this.offer);
  }

  acceptAnswer(sdp: string): Promise<void> {
    this.answers.push(sdp);
    return Promise.resolve();
  }

  startTrickle(): void {
    this.trickling = true;
  }

  get asMediaCall(): MediaCall {
    return this as unknown as MediaCall;
  }
}

class FakeHost implements ReconnectHost {
  readonly made: FakeMedia[] = [];
  readonly offers: string[] = [];
  readonly states: ReconnectState[] = [];
  stale = 0;
  callOver = false;

  replaceMedia(): MediaCall | null {
    if (this.callOver) {
      return null;
    }
    const media = new FakeMedia(`offer-${this.made.length + 1}`);
    this.made.push(media);
    return media.asMediaCall;
  }

  renegotiate(sdpOffer: string): Promise<void> {
    this.offers.push(sdpOffer);
    return Promise.resolve();
  }

  changed(state: ReconnectState): void {
    this.states.push(state);
  }

  signalingStale(): void {
    this.stale++;
  }
}

/** Lets the reconnect's promise chain (createOffer → renegotiate → startTrickle) run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
};

describe("media reconnect", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  it("a disconnection shorter than the grace period recovers by itself: no new connection", async () => {
    const host = new FakeHost();
    const reconnect = new MediaReconnect(host);
    const media = new FakeMedia("offer-0");
    reconnect.watch(media.asMediaCall);

    media.ice("disconnected");
    mock.timers.tick(disconnectedGraceMs - 1);
    media.ice("connected");
    mock.timers.tick(disconnectedGraceMs);
    await settle();

    assert.equal(host.made.length, 0);
    assert.deepEqual(host.offers, []);
    assert.deepEqual(reconnect.current, { self: false, peer: false });
  });

  it("disconnected for the grace period: one new connection is offered, and reconnecting ends when it connects", async () => {
    const host = new FakeHost();
    const reconnect = new MediaReconnect(host);
    const media = new FakeMedia("offer-0");
    reconnect.watch(media.asMediaCall);

    media.ice("disconnected");
    mock.timers.tick(disconnectedGraceMs);
    await settle();

    assert.equal(host.made.length, 1);
    assert.deepEqual(host.offers, ["offer-1"]);
    assert.equal(host.made[0]!.trickling, true, "candidates go out once the server has the offer");
    assert.deepEqual(reconnect.current, { self: true, peer: false });
    media.ice("failed");
    await settle();
    assert.equal(host.made.length, 1, "the old connection's later states change nothing");

    await reconnect.onRenegotiated("answer-1");
    host.made[0]!.ice("connected");

    assert.deepEqual(host.made[0]!.answers, ["answer-1"]);
    assert.deepEqual(reconnect.current, { self: false, peer: false });
    mock.timers.tick(attemptTimeoutMs * 2);
    await settle();
    assert.equal(host.made.length, 1, "no further attempt once connected");
  });

  it("failed reconnects at once, and an attempt that does not connect in time is followed by the next; only the last answer is used", async () => {
    const host = new FakeHost();
    const reconnect = new MediaReconnect(host);
    const media = new FakeMedia("offer-0");
    reconnect.watch(media.asMediaCall);

    media.ice("failed");
    await settle();
    assert.deepEqual(host.offers, ["offer-1"]);

    mock.timers.tick(attemptTimeoutMs);
    await settle();
    assert.deepEqual(host.offers, ["offer-1", "offer-2"]);

    await reconnect.onRenegotiated("answer-1");
    await reconnect.onRenegotiated("answer-2");
    assert.deepEqual(host.made[0]!.answers, [], "an answer to an older offer is not applied");
    assert.deepEqual(host.made[1]!.answers, ["answer-2"]);
  });

  it("once the call is over nothing more is attempted or shown", async () => {
    const host = new FakeHost();
    const reconnect = new MediaReconnect(host);
    const media = new FakeMedia("offer-0");
    reconnect.watch(media.asMediaCall);
    reconnect.onPeerReconnecting();
    media.ice("disconnected");

    reconnect.stop();
    mock.timers.tick(disconnectedGraceMs + attemptTimeoutMs);
    media.ice("failed");
    await settle();

    assert.equal(host.made.length, 0);
    assert.deepEqual(reconnect.current, { self: false, peer: false });
    assert.deepEqual(host.states.at(-1), { self: false, peer: false });
  });

  it("the peer's reconnecting is shown and cleared as the server says", () => {
    const host = new FakeHost();
    const reconnect = new MediaReconnect(host);

    reconnect.onPeerReconnecting();
    assert.deepEqual(reconnect.current, { self: false, peer: true });
    reconnect.onPeerReconnected();

    assert.deepEqual(host.states, [{ self: false, peer: true }, { self: false, peer: false }]);
  });
});
