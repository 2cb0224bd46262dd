import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rememberForResume, resumeAfterReload } from "../../src/resume-storage.js";
import { Softphone } from "../../src/softphone.js";
import type { PhoneSnapshot } from "../../src/state.js";
import { MemoryStorage } from "./memory-storage.js";
import { callAnswered, FakeClient, FakePeerConnection, noTracks, settle } from "./softphone-fakes.js";

/** The parts of a Softphone the storage uses: its snapshot, its events, and resume(). */
class FakePhone {
  current: PhoneSnapshot = { state: "idle", user: null, peer: null };
  hangUpPending = false;
  callConnectedAt: number | null = null;
  resuming: { token: string; inCall: boolean; connectedAt: number | null } | null = null;
  mediaState = { audio: true, video: true };
  /** What the storage did, in order: "mic off", "camera off", "resume". */
  readonly steps: string[] = [];
  readonly resumed: { name: string; token: string; inCall: boolean; hangingUp: boolean; connectedAt: number | null }[] = [];
  private readonly listeners = new Map<string, ((value: never) => void)[]>();

  on(event: string, listener: (value: never) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  setMicrophoneEnabled(enabled: boolean): void {
    this.mediaState = { ...this.mediaState, audio: enabled };
    this.steps.push(enabled ? "mic on" : "mic off");
  }

  setCameraEnabled(enabled: boolean): void {
    this.mediaState = { ...this.mediaState, video: enabled };
    this.steps.push(enabled ? "camera on" : "camera off");
  }

  resume(name: string, token: string, inCall: boolean, hangingUp: boolean, connectedAt: number | null): void {
    this.steps.push("resume");
    this.resumed.push({ name, token, inCall, hangingUp, connectedAt });
  }

  emit(event: string, value: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) {
      listener(value as never);
    }
  }

  become(snapshot: PhoneSnapshot): void {
    this.current = snapshot;
    this.emit("stateChange", snapshot);
  }

  get asSoftphone(): Softphone {
    return this as unknown as Softphone;
  }
}

const saved = (storage: Storage): unknown => JSON.parse(storage.getItem("one2one.resume") ?? "null");

describe("resume storage", () => {
  it("leaves the name, the latest token and whether the page is in a call only as the page goes away", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    const page = new EventTarget();
    rememberForResume(phone.asSoftphone, storage, page);
    // The page goes away, and comes back from the back/forward cache.
    const leave = (): unknown => {
      page.dispatchEvent(new Event("pagehide"));
      const left = saved(storage);
      page.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: true }));
      assert.equal(storage.length, 0, "a page back from the cache takes back what it left");
      return left;
    };

    phone.become({ state: "registering", user: "alice", peer: null });
    assert.equal(leave(), null, "nothing without a token");
    phone.emit("resumeToken", "token-1");
    phone.become({ state: "registered", user: "alice", peer: null });
    assert.equal(storage.length, 0, "nothing is kept while the page lives: a duplicated tab copies sessionStorage");
    assert.deepEqual(leave(), { name: "alice", token: "token-1", inCall: false, hangingUp: false, connectedAt: null, mediaState: { audio: true, video: true } });

    phone.become({ state: "in-call", user: "alice", peer: "bob" });
    phone.emit("resumeToken", "token-2");
    assert.equal(storage.length, 0);
    assert.deepEqual(leave(), { name: "alice", token: "token-2", inCall: true, hangingUp: false, connectedAt: null, mediaState: { audio: true, video: true } });

    phone.become({ state: "hanging-up", user: "alice", peer: "bob" });
    phone.hangUpPending = true;
    assert.deepEqual(leave(), { name: "alice", token: "token-2", inCall: false, hangingUp: true, connectedAt: null, mediaState: { audio: true, video: true } }, "a call being hung up is not resumed but ended");

    phone.become({ state: "idle", user: null, peer: null });
    storage.setItem("one2one.resume", "{}");
    page.dispatchEvent(new Event("pagehide"));
    assert.equal(storage.length, 0, "an unregistered page leaves nothing");
  });

  it("keeps when the call connected across a reload, so the call's timer goes on; ignores a moment that is not a number", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    const page = new EventTarget();
    rememberForResume(phone.asSoftphone, storage, page);
    phone.emit("resumeToken", "token-1");
    phone.become({ state: "in-call", user: "alice", peer: "bob" });
    phone.callConnectedAt = 1_700_000_000_000;

    page.dispatchEvent(new Event("pagehide"));
    assert.equal(resumeAfterReload(phone.asSoftphone, storage), true);
    assert.deepEqual(phone.resumed, [{ name: "alice", token: "token-1", inCall: true, hangingUp: false, connectedAt: 1_700_000_000_000 }]);

    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "t", inCall: true, connectedAt: "yesterday" }));
    assert.equal(resumeAfterReload(phone.asSoftphone, storage), true);
    assert.equal(phone.resumed[1]?.connectedAt, null);
  });

  it("a page reloaded with its microphone or camera muted mutes them again before it resumes the call", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    const page = new EventTarget();
    rememberForResume(phone.asSoftphone, storage, page);
    phone.emit("resumeToken", "token-1");
    phone.become({ state: "in-call", user: "alice", peer: "bob" });
    phone.mediaState = { audio: false, video: true };
    page.dispatchEvent(new Event("pagehide"));

    const reloaded = new FakePhone();
    assert.equal(resumeAfterReload(reloaded.asSoftphone, storage), true);
    assert.deepEqual(reloaded.steps, ["mic off", "resume"], "muted first: the resumed call never sends the microphone");
    assert.deepEqual(reloaded.mediaState, { audio: false, video: true });

    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "t", inCall: true, mediaState: { audio: true, video: false } }));
    const another = new FakePhone();
    resumeAfterReload(another.asSoftphone, storage);
    assert.deepEqual(another.steps, ["camera off", "resume"]);
  });

  it("a page back from the back/forward cache takes back what it left", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    const page = new EventTarget();
    rememberForResume(phone.asSoftphone, storage, page);
    phone.emit("resumeToken", "token-1");
    phone.become({ state: "registered", user: "alice", peer: null });

    page.dispatchEvent(new Event("pagehide"));
    assert.equal(storage.length, 1);
    page.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: false }));
    assert.equal(storage.length, 1, "a fresh load's pageshow changes nothing");
    page.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: true }));
    assert.equal(storage.length, 0);
  });

  it("a hidden page, which may be ended with no further event, leaves what it has and keeps it up to date until seen again", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    const page = new EventTarget();
    let seen = true;
    rememberForResume(phone.asSoftphone, storage, page, () => seen);
    const show = (next: boolean): void => {
      seen = next;
      page.dispatchEvent(new Event("visibilitychange"));
    };
    phone.emit("resumeToken", "token-1");
    phone.become({ state: "in-call", user: "alice", peer: "bob" });

    show(false);
    assert.deepEqual(saved(storage), { name: "alice", token: "token-1", inCall: true, hangingUp: false, connectedAt: null, mediaState: { audio: true, video: true } },
      "a phone's system may stop the browser now");
    phone.emit("resumeToken", "token-2");
    assert.equal((saved(storage) as { token: string }).token, "token-2", "a resume while hidden spent token-1");
    phone.mediaState = { audio: false, video: true };
    phone.emit("mediaStateChange", phone.mediaState);
    assert.deepEqual((saved(storage) as { mediaState: unknown }).mediaState, { audio: false, video: true });
    phone.become({ state: "registered", user: "alice", peer: null });
    assert.equal((saved(storage) as { inCall: boolean }).inCall, false, "the call ended while hidden");

    show(true);
    assert.equal(storage.length, 0, "seen again: a duplicated tab must not take the registration over");
    phone.emit("resumeToken", "token-3");
    phone.become({ state: "in-call", user: "alice", peer: "bob" });
    assert.equal(storage.length, 0, "nothing follows while the page is seen");

    page.dispatchEvent(new Event("freeze"));
    assert.equal((saved(storage) as { token: string }).token, "token-3", "a frozen page may be discarded");
    page.dispatchEvent(new Event("resume"));
    assert.equal(storage.length, 0, "unfrozen and seen");

    show(false);
    page.dispatchEvent(new Event("resume"));
    assert.equal(storage.length, 1, "unfrozen but still hidden: kept");
    phone.become({ state: "idle", user: null, peer: null });
    assert.equal(storage.length, 0, "signed out while hidden: nothing to resume");
  });

  it("a page that loads hidden (a tab restored in the background) keeps the token its resume gets", () => {
    const storage = new MemoryStorage();
    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "token-1", inCall: false }));
    const phone = new FakePhone();
    rememberForResume(phone.asSoftphone, storage, new EventTarget(), () => false);
    assert.equal((saved(storage) as { token: string }).token, "token-1", "what the last page left is there for the resume");

    assert.equal(resumeAfterReload(phone.asSoftphone, storage), true);
    assert.equal(storage.length, 0);
    phone.become({ state: "registered", user: "alice", peer: null });
    phone.emit("resumeToken", "token-2");

    assert.equal((saved(storage) as { token: string }).token, "token-2", "token-1 is spent: a page ended now needs token-2");
  });

  it("a call still ringing as the page goes away is not one to resume: it ended with the connection", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    const page = new EventTarget();
    rememberForResume(phone.asSoftphone, storage, page);
    phone.emit("resumeToken", "token-1");
    for (const state of ["calling", "incoming"] as const) {
      phone.become({ state, user: "alice", peer: "bob" });
      page.dispatchEvent(new Event("pagehide"));
      assert.equal((saved(storage) as { inCall: boolean }).inCall, false, state);
      page.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: true }));
    }
    phone.become({ state: "connecting", user: "alice", peer: "bob" });
    page.dispatchEvent(new Event("pagehide"));
    assert.equal((saved(storage) as { inCall: boolean }).inCall, true, "a call being connected may be held");
  });

  it("a reloaded page resumes the call it was in, and the token is spent", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "token-2", inCall: true, hangingUp: false }));

    assert.equal(resumeAfterReload(phone.asSoftphone, storage), true);

    assert.deepEqual(phone.resumed, [{ name: "alice", token: "token-2", inCall: true, hangingUp: false, connectedAt: null }]);
    assert.equal(storage.length, 0);
    assert.equal(resumeAfterReload(phone.asSoftphone, storage), false, "a second reload has nothing to resume");
    assert.equal(phone.resumed.length, 1);
  });

  it("a reloaded page that was registered but in no call resumes its registration (the server holds the name)", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "t", inCall: false }));

    assert.equal(resumeAfterReload(phone.asSoftphone, storage), true);

    assert.deepEqual(phone.resumed, [{ name: "alice", token: "t", inCall: false, hangingUp: false, connectedAt: null }], "an entry from before hangingUp was kept");
    assert.equal(storage.length, 0);
  });

  it("a page reloaded while hanging up resumes so as to end the call, not to go on with it", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "t", inCall: false, hangingUp: true }));

    assert.equal(resumeAfterReload(phone.asSoftphone, storage), true);

    assert.deepEqual(phone.resumed, [{ name: "alice", token: "t", inCall: false, hangingUp: true, connectedAt: null }]);
  });

  it("a stale or malformed entry resumes nothing and is dropped", () => {
    for (const raw of [
      JSON.stringify({ name: 7, token: "t", inCall: true }),
      JSON.stringify({ name: "alice", inCall: true }),
      "{not json",
      "null",
    ]) {
      const phone = new FakePhone();
      const storage = new MemoryStorage();
      storage.setItem("one2one.resume", raw);

      assert.equal(resumeAfterReload(phone.asSoftphone, storage), false, raw);

      assert.deepEqual(phone.resumed, [], raw);
      assert.equal(storage.length, 0, raw);
    }
  });

  it("a page reloaded again before its resume was answered leaves the unspent token, and the call it is bringing back", async () => {
    const client = new FakeClient();
    client.resumeOutcome = () => new Promise(() => undefined);
    const phone = new Softphone(client.asClient);
    const storage = new MemoryStorage();
    const page = new EventTarget();
    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "token-2", inCall: true, hangingUp: false, connectedAt: 1_700_000_000_000 }));
    rememberForResume(phone, storage, page);
    resumeAfterReload(phone, storage);
    await settle();
    assert.equal(phone.state, "registering", "the resume is still on its way");

    page.dispatchEvent(new Event("pagehide"));

    assert.deepEqual(
      saved(storage),
      { name: "alice", token: "token-2", inCall: true, hangingUp: false, connectedAt: 1_700_000_000_000, mediaState: { audio: true, video: true } },
      "without it the next page cannot resume, and the name stays taken until the reconnect window closes",
    );
  });

  it("a page reloaded while its call is held through a lost connection leaves that call and when it connected", async () => {
    const client = new FakeClient();
    client.resumeOutcome = () => new Promise(() => undefined);
    const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(noTracks) });
    const storage = new MemoryStorage();
    const page = new EventTarget();
    rememberForResume(phone, storage, page);
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    try {
      await callAnswered(phone, client);
      FakePeerConnection.last?.connect();
      const connectedAt = phone.callConnectedAt;
      assert.notEqual(connectedAt, null);

      client.emit("close", undefined, false);
      await settle();
      assert.equal(phone.state, "registering", "the call is held while the resume is on its way");
      page.dispatchEvent(new Event("pagehide"));

      assert.deepEqual(saved(storage), { name: "alice", token: "token-1", inCall: true, hangingUp: false, connectedAt, mediaState: { audio: true, video: true } });
    } finally {
      delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    }
  });
});
