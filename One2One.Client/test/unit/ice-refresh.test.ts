import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { IceConfiguration } from "../../src/contract.js";
import { credentialExpired, credentialExpiry, IceRefresh, maximumRefreshMs, minimumRefreshMs, refreshDelayMs } from "../../src/ice-refresh.js";
import { turnServerExpiringAt } from "./softphone-fakes.js";

const now = Date.UTC(2026, 11, 6, 12, 0, 0);
const minute = 60_000;

/** A STUN server, and a TURN server whose TURN REST credential expires `inMs` from `now`. */
function turnExpiringIn(inMs: number, name = "alice"): IceConfiguration {
  const turn = turnServerExpiringAt(now + inMs, name);
  return { ...turn, iceServers: [{ urls: ["stun:turn.example.com:3478"] }, ...turn.iceServers] };
}

describe("TURN credential expiry", () => {
  it("reads the earliest expiry of the TURN REST user names", () => {
    const ice: IceConfiguration = {
      iceServers: [...turnExpiringIn(60 * minute).iceServers, ...turnExpiringIn(10 * minute).iceServers],
      iceTransportPolicy: "all",
    };

    assert.equal(credentialExpiry(ice), now + 10 * minute);
  });

  it("finds nothing that expires in STUN servers, fixed credentials or no configuration", () => {
    const fixed: IceConfiguration = { iceServers: [{ urls: ["turn:t.example.com"], username: "alice", credential: "pw" }], iceTransportPolicy: "all" };
    const noPassword: IceConfiguration = { iceServers: [{ urls: ["turn:t.example.com"], username: "1700000000:alice" }], iceTransportPolicy: "all" };

    assert.equal(credentialExpiry(null), null);
    assert.equal(credentialExpiry({ iceServers: [{ urls: ["stun:s.example.com"] }], iceTransportPolicy: "all" }), null);
    assert.equal(credentialExpiry(fixed), null);
    assert.equal(credentialExpiry(noPassword), null);
    assert.equal(refreshDelayMs(fixed, now), null);
  });

  it("tells an expired credential from a valid one by the given clock, and finds none expired where nothing expires", () => {
    assert.equal(credentialExpired(turnExpiringIn(-minute), now), true);
    assert.equal(credentialExpired(turnExpiringIn(0), now), true, "expiring this very moment");
    assert.equal(credentialExpired(turnExpiringIn(minute), now), false);
    assert.equal(credentialExpired({ iceServers: [{ urls: ["stun:s.example.com"] }], iceTransportPolicy: "all" }, now), false);
    assert.equal(credentialExpired(null, now), false);
  });

  it("renews when four fifths of the credential's life have passed, never sooner than the minimum wait nor later than the maximum", () => {
    assert.equal(refreshDelayMs(turnExpiringIn(10 * minute), now), 8 * minute);
    assert.equal(refreshDelayMs(turnExpiringIn(minute), now), 48_000);
    assert.equal(refreshDelayMs(turnExpiringIn(-minute), now), minimumRefreshMs, "already expired (or this page's clock is ahead)");
    assert.equal(refreshDelayMs(turnExpiringIn(60 * minute), now), maximumRefreshMs, "this page's clock may be behind the server's");
  });
});

describe("IceRefresh", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now }));
  afterEach(() => mock.timers.reset());

  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it("fetches fresh credentials when they are due, then again when those are", async () => {
    let fetched = 0;
    const refresh = new IceRefresh(() => {
      fetched++;
      return Promise.resolve(turnExpiringIn(fetched * 60 * minute));
    });

    refresh.start(turnExpiringIn(10 * minute));
    mock.timers.tick(8 * minute - 1);
    await settle();
    assert.equal(fetched, 0);
    mock.timers.tick(1);
    await settle();
    assert.equal(fetched, 1);

    // The fresh one expires an hour after `now`: renewed after the longest wait all the same.
    mock.timers.tick(maximumRefreshMs - 1);
    await settle();
    assert.equal(fetched, 1);
    mock.timers.tick(1);
    await settle();
    assert.equal(fetched, 2);
    refresh.stop();
  });

  it("asks again after the minimum wait when a renewal fails", async () => {
    let fetched = 0;
    const refresh = new IceRefresh(() => (++fetched === 1 ? Promise.reject(new Error("connection lost")) : Promise.resolve(null)));
    const warn = mock.method(console, "warn", () => {});

    refresh.start(turnExpiringIn(10 * minute));
    mock.timers.tick(8 * minute);
    await settle();
    mock.timers.tick(minimumRefreshMs);
    await settle();

    assert.equal(fetched, 2);
    assert.equal(warn.mock.callCount(), 1);
    mock.timers.tick(24 * 60 * minute);
    await settle();
    assert.equal(fetched, 2, "credentials that do not expire are not renewed");
  });

  it("renews nothing after stop(), even when stopped while a renewal was under way", async () => {
    let fetched = 0;
    let answer: (ice: IceConfiguration) => void = () => {};
    const refresh = new IceRefresh(() => {
      fetched++;
      return new Promise((resolve) => (answer = resolve));
    });

    refresh.start(turnExpiringIn(10 * minute));
    mock.timers.tick(8 * minute);
    await settle();
    refresh.stop();
    answer(turnExpiringIn(10 * minute));
    await settle();
    mock.timers.tick(24 * 60 * minute);
    await settle();

    assert.equal(fetched, 1);
  });
});
