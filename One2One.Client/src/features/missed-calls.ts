// Missed calls: a call that rang here and ended without being answered (the caller cancelled, it rang out, or the
// caller went away). Declining is not missing. Kept for the page's lifetime, newest first, the latest 50 only (as a
// phone's recent calls): a caller ringing and cancelling over and over must not grow the page (and its list) without end.

import { Emitter, Subscriptions } from "../emitter.js";
import type { One2OneClient, One2OneClientEvents } from "../signaling.js";
import type { Softphone, SoftphoneEvents } from "../softphone.js";

/** The most missed calls listed; older ones drop off the end. */
export const maxMissedCalls = 50;

export interface MissedCall {
  readonly from: string;
  readonly at: Date;
}

export interface MissedCallsEvents {
  change(calls: readonly MissedCall[]): void;
}

export class MissedCalls {
  private readonly missed: MissedCall[] = [];
  private readonly events = new Emitter<MissedCallsEvents>();
  /** Who rang last, until the phone moves on from ringing to anything but "registered" (e.g. accepted: connecting). */
  private rang: string | null = null;
  private readonly fromClient: Subscriptions<One2OneClientEvents>;
  private readonly fromPhone: Subscriptions<SoftphoneEvents>;

  constructor(client: One2OneClient, phone: Softphone) {
    this.fromClient = new Subscriptions<One2OneClientEvents>(client);
    this.fromPhone = new Subscriptions<SoftphoneEvents>(phone);
    this.fromPhone.on("stateChange", (snapshot) => {
      if (snapshot.state === "incoming") {
        this.rang = snapshot.peer;
      } else if (snapshot.state !== "registered") {
        this.rang = null;
      } else if (this.rang !== null) {
        // Back to registered from ringing. The server's end of the ring (cancelled, no answer) is heard in the same turn,
        // just after (the Softphone takes the StopCommunication first); anything else ended it here (declined): a
        // StopCommunication arriving later (the caller's cancel crossing the decline) is not a missed call.
        const ringing = this.rang;
        queueMicrotask(() => {
          if (this.rang === ringing) {
            this.rang = null;
          }
        });
      }
    });
    // The server ends a call that rang here and was not taken with StopCommunication (cancelled, no-answer, the
    // caller went away); declining sends none. The Softphone handles it first, so the phone is "registered" by now.
    this.fromClient.on("stopCommunication", () => {
      const from = this.rang;
      this.rang = null;
      if (from !== null && phone.state === "registered") {
        this.missed.unshift({ from, at: new Date() });
        if (this.missed.length > maxMissedCalls) {
          this.missed.length = maxMissedCalls;
        }
        this.events.emit("change", this.calls);
      }
    });
  }

  get calls(): readonly MissedCall[] {
    return [...this.missed];
  }

  /** Stops following the client and the phone: no call is listed any more (those listed stay). */
  dispose(): void {
    this.fromClient.dispose();
    this.fromPhone.dispose();
  }

  clear(): void {
    this.missed.length = 0;
    this.events.emit("change", this.calls);
  }

  on<K extends keyof MissedCallsEvents>(event: K, listener: MissedCallsEvents[K]): void {
    this.events.on(event, listener);
  }

  off<K extends keyof MissedCallsEvents>(event: K, listener: MissedCallsEvents[K]): void {
    this.events.off(event, listener);
  }
}
