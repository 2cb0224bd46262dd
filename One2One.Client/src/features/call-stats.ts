// Polls the call's getStats() once a second while it is in progress and reports its CallQuality; stops when the
// call ends. One timer at most; a poll that lands after the call changed is dropped.

import { Emitter, Subscriptions } from "../emitter.js";
import type { Softphone, SoftphoneEvents } from "../softphone.js";
import { type CallQuality, callQuality, type StatsSample, sampleStats } from "./call-quality.js";

export interface CallStatsEvents {
  /** A new measurement, or null when the call ended. */
  quality(quality: CallQuality | null): void;
}

export class CallStatsMonitor {
  private timer: ReturnType<typeof setInterval> | null = null;
  private previous: StatsSample | null = null;
  private generation = 0;
  private readonly events = new Emitter<CallStatsEvents>();
  private readonly fromPhone: Subscriptions<SoftphoneEvents>;

  constructor(private readonly phone: Softphone, private readonly intervalMs = 1000) {
    this.fromPhone = new Subscriptions<SoftphoneEvents>(phone);
    this.fromPhone.on("stateChange", (snapshot) => (snapshot.state === "in-call" ? this.start() : this.stop()));
  }

  /** Stops polling and following the phone: no "quality" is reported any more, a poll already on its way included. */
  dispose(): void {
    this.fromPhone.dispose();
    this.halt();
  }

  on<K extends keyof CallStatsEvents>(event: K, listener: CallStatsEvents[K]): void {
    this.events.on(event, listener);
  }

  off<K extends keyof CallStatsEvents>(event: K, listener: CallStatsEvents[K]): void {
    this.events.off(event, listener);
  }

  private start(): void {
    if (this.timer !== null) {
      return;
    }
    const generation = ++this.generation;
    this.previous = null;
    const poll = async () => {
      const report = await this.phone.getStats();
      if (report === null || generation !== this.generation) {
        return;
      }
      const sample = sampleStats(report as unknown as Parameters<typeof sampleStats>[0], performance.now());
      const quality = callQuality(this.previous, sample);
      this.previous = sample;
      this.events.emit("quality", quality);
    };
    this.timer = setInterval(() => void poll().catch((error: unknown) => console.warn("getStats failed", error)), this.intervalMs);
    void poll();
  }

  private stop(): void {
    if (this.halt()) {
      this.events.emit("quality", null);
    }
  }

  /** Stops the polling, if it runs (true then); a poll on its way is dropped. */
  private halt(): boolean {
    if (this.timer === null) {
      return false;
    }
    clearInterval(this.timer);
    this.timer = null;
    this.generation++;
    this.previous = null;
    return true;
  }
}
