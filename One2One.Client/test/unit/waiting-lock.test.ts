import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WaitingLock, waitingLockPrefix } from "../../src/features/waiting-lock.js";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, settle } from "./softphone-fakes.js";

/** The Web Locks API as far as WaitingLock uses it: every name asked for, and which are held now. */
class FakeLocks {
  readonly asked: string[] = [];
  readonly held = new Set<string>();

  request(name: string, callback: () => Promise<void>): Promise<void> {
    this.asked.push(name);
    this.held.add(name);
    return callback().finally(() => this.held.delete(name));
  }

  get asLockManager(): LockManager {
    return this as unknown as LockManager;
  }
}

describe("WaitingLock", () => {
  it("holds a lock of the page's own while the phone is registered, in a call or not, and lets it go when it is not", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { openMediaWhileRinging: false });
    const locks = new FakeLocks();
    const lock = new WaitingLock(phone, locks.asLockManager);
    assert.equal(locks.asked.length, 0, "an unregistered page holds nothing");

    phone.register("bob");
    await settle();
    assert.equal(lock.holding, true);
    assert.equal(locks.held.size, 1);
    assert.ok(locks.asked[0]?.startsWith(waitingLockPrefix));

    client.emit("incomingCall", { from: "alice" });
    await settle();
    assert.equal(locks.asked.length, 1, "one lock for as long as the page is registered");

    phone.unregister();
    await settle();
    assert.equal(lock.holding, false);
    assert.equal(locks.held.size, 0, "signed out: the browser may put the page to sleep");

    phone.register("bob");
    await settle();
    assert.equal(locks.held.size, 1, "registered again");
    lock.dispose();
    await settle();
    assert.equal(locks.held.size, 0, "disposed: let go");
  });

  it("two pages never wait for each other's lock", () => {
    const names = [new FakeLocks(), new FakeLocks()].map((locks) => {
      const phone = new Softphone(new FakeClient().asClient, { openMediaWhileRinging: false });
      phone.register("bob");
      new WaitingLock(phone, locks.asLockManager);
      return locks.asked[0];
    });
    assert.notEqual(names[0], names[1]);
  });

  it("does nothing where the browser has no Web Locks (an older browser, a page not served over https)", async () => {
    const phone = new Softphone(new FakeClient().asClient, { openMediaWhileRinging: false });
    const lock = new WaitingLock(phone, undefined);
    phone.register("bob");
    await settle();
    assert.equal(lock.holding, false);
  });
});
