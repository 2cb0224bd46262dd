// The phone's sounds, made with Web Audio (no audio files): a ringing tone while a call comes in and a ringback
// tone while this side's call rings at the other end; both stop when the call is answered, declined or ends.
// One oscillator at a time, on one AudioContext made at the person's first click or key (or on first use), suspended
// while nothing sounds.

import { Subscriptions } from "../emitter.js";
import type { Softphone, SoftphoneEvents } from "../softphone.js";

export type ToneKind = "ringing" | "ringback";

// Ringback as in North America (440 + 480 Hz, 2 s on, 4 s off); ringing a brighter double beep, so they differ.
const patterns: { readonly [K in ToneKind]: { readonly frequencies: readonly number[]; readonly on: number; readonly period: number } } = {
  ringback: { frequencies: [440, 480], on: 2, period: 6 },
  ringing: { frequencies: [800, 1000], on: 1, period: 2 },
};

/** How far ahead the cadence is written into the gain's schedule (seconds of the AudioContext's clock). */
const scheduleAheadSeconds = 60;
/** How often the schedule is extended; well within scheduleAheadSeconds, so a throttled background timer still keeps up. */
const extendEveryMs = 20_000;

/** The person's gestures that may start sound: the context is made and started within the first of them. */
const unlockingGestures = ["pointerdown", "keydown", "touchend"] as const;

interface Playing {
  readonly kind: ToneKind;
  readonly oscillators: OscillatorNode[];
  readonly gain: GainNode;
  readonly extender: ReturnType<typeof setInterval>;
}

export class Tones {
  private context: AudioContext | null = null;
  private playing: Playing | null = null;
  private readonly fromPhone: Subscriptions<SoftphoneEvents>;
  private readonly gestures: EventTarget | null;
  /** Whether the context has been started within a gesture (after which it may start without one). */
  private unlocked = false;

  /**
   * @param gestures Where the person's clicks and keys arrive (the page's document by default): Safari lets Web Audio
   * start only within a gesture (or while the page captures the camera), and a call rings with no click behind it, so an
   * AudioContext first made then stays suspended and the ring is silent. Made and started within the person's first
   * gesture (registering, say), the context may start again later on its own.
   */
  constructor(phone: Softphone, gestures: EventTarget | null = globalThis.document ?? null) {
    this.gestures = gestures;
    for (const type of unlockingGestures) {
      gestures?.addEventListener(type, this.unlock, { capture: true, passive: true });
    }
    this.fromPhone = new Subscriptions<SoftphoneEvents>(phone);
    this.fromPhone.on("stateChange", (snapshot) => {
      if (snapshot.state === "incoming") {
        this.play("ringing");
      } else if (snapshot.state === "calling") {
        this.play("ringback");
      } else {
        this.stop();
      }
    });
  }

  /** What is sounding right now, and whether its AudioContext is running (not suspended by autoplay rules). */
  get current(): { readonly kind: ToneKind; readonly running: boolean } | null {
    return this.playing === null ? null : { kind: this.playing.kind, running: this.context?.state === "running" };
  }

  /** Silences the tone sounding, closes the AudioContext and stops following the phone. */
  dispose(): void {
    for (const type of unlockingGestures) {
      this.gestures?.removeEventListener(type, this.unlock, { capture: true });
    }
    this.fromPhone.dispose();
    this.stop();
    const context = this.context;
    this.context = null;
    void context?.close().catch(() => undefined);
  }

  /**
   * Within a gesture: makes the context and starts it, so sound may start later without one (and again after Safari
   * interrupted it, for a phone call say); then suspends it again unless a tone is sounding, as an idle running context
   * keeps the audio device busy.
   */
  private readonly unlock = (): void => {
    const context = this.audio();
    // Once started within a gesture it may start again without one: no more device churn on every key the person types,
    // unless Safari interrupted it (a phone call on iOS), which another gesture ends.
    if (context === null || context.state === "running" || (this.unlocked && (context.state as string) !== "interrupted")) {
      return;
    }
    void context.resume().then(
      () => {
        this.unlocked = true;
        if (this.playing === null && this.context === context) {
          void context.suspend().catch(() => undefined);
        }
      },
      () => undefined,
    );
  };

  /** The one AudioContext, made on first use; null where the browser has none (nor Safari's old webkitAudioContext). */
  private audio(): AudioContext | null {
    if (this.context === null) {
      const Context = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      this.context = Context === undefined ? null : new Context();
    }
    return this.context;
  }

  private play(kind: ToneKind): void {
    if (this.playing?.kind === kind) {
      return;
    }
    this.stop();
    const context = this.audio();
    if (context === null) {
      return;
    }
    void context.resume().catch(() => undefined);
    const pattern = patterns[kind];
    const gain = context.createGain();
    gain.connect(context.destination);
    // The cadence: the gain steps between 0.1 and 0, written a minute ahead and extended as long as the tone sounds (a
    // call may ring for up to Calls:RingingTimeout, an hour at most), so the steps are never more than a minute's worth.
    const start = context.currentTime;
    let next = 0;
    const extend = (): void => {
      const until = context.currentTime - start + scheduleAheadSeconds;
      for (; next < until; next += pattern.period) {
        gain.gain.setValueAtTime(0.1, start + next);
        gain.gain.setValueAtTime(0, start + next + pattern.on);
      }
    };
    extend();
    const oscillators = pattern.frequencies.map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    this.playing = { kind, oscillators, gain, extender: setInterval(extend, extendEveryMs) };
  }

  private stop(): void {
    const playing = this.playing;
    if (playing === null) {
      return;
    }
    this.playing = null;
    clearInterval(playing.extender);
    void this.context?.suspend().catch(() => undefined);
    for (const oscillator of playing.oscillators) {
      oscillator.stop();
      oscillator.disconnect();
    }
    playing.gain.disconnect();
  }
}
