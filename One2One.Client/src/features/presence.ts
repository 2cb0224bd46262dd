// Who is online: the server's OnlineUsers snapshot (sent after an accepted Register, only with Presence:Enabled)
// and its PresenceChanged deltas, kept as a sorted list of names. `enabled` stays false until a snapshot arrives,
// so a server with presence off leaves it false and a page can hide its list. Messages that arrive together (a burst
// of names coming and going, sent by the server one after another) make one "change", after the last of them.

import { Emitter } from "../emitter.js";
import type { One2OneClient } from "../signaling.js";
import type { Softphone } from "../softphone.js";

export interface PresenceEvents {
  change(names: readonly string[]): void;
}

export class Presence {
  private readonly online = new Set<string>();
  private truncatedList = false;
  private active = false;
  private changePending = false;
  private readonly events = new Emitter<PresenceEvents>();

  /** With `phone`, the list is also forgotten when the person signs out (the server sends an unregistered page nothing). */
  constructor(client: One2OneClient, phone?: Softphone) {
    client.on("onlineUsers", (users) => {
      this.online.clear();
      for (const name of users.names) {
        this.online.add(name);
      }
      this.truncatedList = users.truncated;
      this.active = true;
      this.changed();
    });
    client.on("presenceChanged", (change) => {
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
    client.on("close", forget);
    client.on("reconnecting", forget);
    phone?.on("stateChange", (snapshot) => {
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

  private changed(): void {
    if (this.changePending) {
      return;
    }
    this.changePending = true;
    queueMicrotask(() => {
      this.changePending = false;
      this.events.emit("change", this.names);
    });
  }
}
