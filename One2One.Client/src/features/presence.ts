// Who is online: the server's OnlineUsers snapshot (sent after an accepted Register, only with Presence:Enabled)
// and its PresenceChanged deltas, kept as a sorted list of names. `enabled` stays false until a snapshot arrives,
// so a server with presence off leaves it false and a page can hide its list. Messages that arrive together (a burst
// of names coming and going, sent by the server one after another) make one "change", after the last of them.

import { Emitter, Subscriptions } from "../emitter.js";
import type { One2OneClient, One2OneClientEvents } from "../signaling.js";
import type { Softphone, SoftphoneEvents } from "../softphone.js";

export interface PresenceEvents {
  change(names: readonly string[]): void;
}

export class Presence {
  private readonly online = new Set<string>();
  private truncatedList = false;
  private active = false;
  private changePending = false;
  private readonly events = new Emitter<PresenceEvents>();
  private readonly fromClient: Subscriptions<One2OneClientEvents>;
  private readonly fromPhone: Subscriptions<SoftphoneEvents> | null;
  private disposed = false;

  /** With `phone`, the list is also forgotten when the person signs out (the server sends an unregistered page nothing). */
  constructor(client: One2OneClient, phone?: Softphone) {
    this.fromClient = new Subscriptions<One2OneClientEvents>(client);
    this.fromPhone = phone === undefined ? null : new Subscriptions<SoftphoneEvents>(phone);
    this.fromClient.on("onlineUsers", (users) => {
      this.online.clear();
      for (const name of users.names) {
        this.online.add(name);
      }
      this.truncatedList = users.truncated;
      this.active = true;
      this.changed();
    });
    this.fromClient.on("presenceChanged", (change) => {
      if (!this.active) {
        return;
      }
      if (change.online) {
        this.online.add(change.name);
      } else {
        this.online.delete(change.name);
      }
      this.changed();
    });
    const forget = () => {
      this.online.clear();
      this.active = false;
      this.changed();
    };
    this.fromClient.on("close", forget);
    this.fromClient.on("reconnecting", forget);
    this.fromPhone?.on("stateChange", (snapshot) => {
      if (snapshot.state === "idle" && this.active) {
        forget();
      }
    });
  }

  /** True once the server sent a list (it has Presence:Enabled and this page is registered). */
  get enabled(): boolean {
    return this.active;
  }

  /** True when the server had more names than it lists (Presence:MaxListed). */
  get truncated(): boolean {
    return this.truncatedList;
  }

  get names(): readonly string[] {
    return [...this.online].sort((a, b) => a.localeCompare(b));
  }

  on<K extends keyof PresenceEvents>(event: K, listener: PresenceEvents[K]): void {
    this.events.on(event, listener);
  }

  off<K extends keyof PresenceEvents>(event: K, listener: PresenceEvents[K]): void {
    this.events.off(event, listener);
  }

  /** Stops following the client and the phone: no "change" is reported any more, one already coming included. */
  dispose(): void {
    this.disposed = true;
    this.fromClient.dispose();
    this.fromPhone?.dispose();
  }

  private changed(): void {
    if (this.changePending) {
      return;
    }
    this.changePending = true;
    queueMicrotask(() => {
      this.changePending = false;
      if (!this.disposed) {
        this.events.emit("change", this.names);
      }
    });
  }
}
