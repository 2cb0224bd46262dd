import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rememberForResume, resumeAfterReload } from "../../src/resume-storage.js";
import type { Softphone } from "../../src/softphone.js";
import type { PhoneSnapshot } from "../../src/state.js";

/** sessionStorage as a Map. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/** The parts of a Softphone the storage uses: its snapshot, its events, and resume(). */
class FakePhone {
  current: PhoneSnapshot = { state: "idle", user: null, peer: null };
  readonly resumed: { name: string; token: string }[] = [];
  private readonly listeners = new Map<string, ((value: never) => void)[]>();

  on(event: string, listener: (value: never) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  resume(name: string, token: string): void {
    this.resumed.push({ name, token });
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
  it("keeps the name, the latest token and whether the page is in a call, and forgets them when unregistered", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    rememberForResume(phone.asSoftphone, storage);

    phone.become({ state: "registering", user: "alice", peer: null });
    assert.equal(saved(storage), null, "nothing without a token");
    phone.emit("resumeToken", "token-1");
    phone.become({ state: "registered", user: "alice", peer: null });
    assert.deepEqual(saved(storage), { name: "alice", token: "token-1", inCall: false });

    phone.become({ state: "in-call", user: "alice", peer: "bob" });
    phone.emit("resumeToken", "token-2");
    assert.deepEqual(saved(storage), { name: "alice", token: "token-2", inCall: true });

    phone.become({ state: "hanging-up", user: "alice", peer: "bob" });
    assert.deepEqual(saved(storage), { name: "alice", token: "token-2", inCall: false }, "a call being hung up is not resumed");

    phone.become({ state: "idle", user: null, peer: null });
    assert.equal(storage.length, 0, "an unregistered page keeps nothing");
  });

  it("a reloaded page resumes the call it was in, and the token is spent", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "token-2", inCall: true }));

    assert.equal(resumeAfterReload(phone.asSoftphone, storage), true);

    assert.deepEqual(phone.resumed, [{ name: "alice", token: "token-2" }]);
    assert.equal(storage.length, 0);
    assert.equal(resumeAfterReload(phone.asSoftphone, storage), false, "a second reload has nothing to resume");
    assert.equal(phone.resumed.length, 1);
  });

  it("a reloaded page that was registered but in no call resumes its registration (the server holds the name)", () => {
    const phone = new FakePhone();
    const storage = new MemoryStorage();
    storage.setItem("one2one.resume", JSON.stringify({ name: "alice", token: "t", inCall: false }));

    assert.equal(resumeAfterReload(phone.asSoftphone, storage), true);

    assert.deepEqual(phone.resumed, [{ name: "alice", token: "t" }]);
    assert.equal(storage.length, 0);
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
});
