// A phone waiting for calls must not be frozen: a frozen page answers no ping, the server drops its connection and,
// after Calls:ReconnectWindow, frees its name, and callers hear "unavailable", then "not registered", while the page
// still says it is registered. Browsers that freeze or put to sleep pages in the background (Chrome's Energy Saver,
// Edge's sleeping tabs) leave alone a page that holds a Web Lock, as Microsoft's SignalR JavaScript client documentation
// suggests for background tabs. So the page holds one, of its own name, while it is registered, and lets it go when it
// is not. Phones' systems suspend background pages whatever they hold: there a page comes back by itself when opened.

import { Subscriptions } from "../emitter.js";
import type { Softphone, SoftphoneEvents } from "../softphone.js";

/** The lock's name prefix; each page adds its own id, so pages never wait for each other's lock. */
export const waitingLockPrefix = "one2one-waiting-for-calls-";

export class WaitingLock {
  private readonly fromPhone: Subscriptions<SoftphoneEvents>;
  private readonly name = waitingLockPrefix + Math.random().toString(36).slice(2);
  private release: (() => void) | null = null;

  /** @param locks The page's lock manager; absent where there is none (an older browser, or a page not served over https). */
  constructor(phone: Softphone, private readonly locks: LockManager | undefined = globalThis.navigator?.locks) {
    this.fromPhone = new Subscriptions<SoftphoneEvents>(phone);
    this.fromPhone.on("stateChange", (snapshot) => {
      if (snapshot.state === "idle") {
        this.letGo();
      } else {
        this.hold();
      }
    });
    if (phone.current.state !== "idle") {
      this.hold();
    }
  }

  /** Whether the lock is asked for or held now. */
  get holding(): boolean {
    return this.release !== null;
  }

  dispose(): void {
    this.fromPhone.dispose();
    this.letGo();
  }

  private hold(): void {
    if (this.release !== null || this.locks === undefined) {
      return;
    }
    const held = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    // Granted at once (nobody else asks for this name); held until the promise it returns settles.
    void this.locks.request(this.name, () => held).catch(() => undefined);
  }

  private letGo(): void {
    this.release?.();
    this.release = null;
  }
}
