import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { Tones } from "../../src/features/tones.js";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, settle } from "./softphone-fakes.js";

/** Web Audio as far as Tones uses it, recording every step of the gain's schedule (value, time on the context's clock). */
class RecordingAudioContext {
  static made: RecordingAudioContext[] = [];
  /** Whether the next context starts suspended, as one made outside a gesture does in Safari. */
  static startSuspended = false;
  readonly steps: { value: number; at: number }[] = [];
  state = RecordingAudioContext.startSuspended ? "suspended" : "running";
  resumes = 0;
  currentTime = 0;
  readonly destination = {};
  constructor() {
    RecordingAudioContext.made.push(this);
  }
  resume(): Promise<void> {
    this.resumes++;
    this.state = "running";
    return Promise.resolve();
  }
  suspend(): Promise<void> {
    this.state = "suspended";
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  createGain(): unknown {
    return {
      connect: () => undefined,
      disconnect: () => undefined,
      gain: { setValueAtTime: (value: number, at: number) => this.steps.push({ value, at }) },
    };
  }
  createOscillator(): unknown {
    return { frequency: { value: 0 }, connect: () => undefined, disconnect: () => undefined, start: () => undefined, stop: () => undefined };
  }
}

const globals = globalThis as { AudioContext?: unknown };

/** A registered phone with its Tones (following `gestures`, if given). */
async function registeredPhone(gestures: EventTarget | null = null): Promise<{ client: FakeClient; tones: Tones }> {
  const client = new FakeClient();
  const phone = new Softphone(client.asClient, { openMediaWhileRinging: false });
  const tones = new Tones(phone, gestures);
  phone.register("bob");
  await settle();
  return { client, tones };
}

async function ringingPhone(): Promise<{ client: FakeClient; context: RecordingAudioContext; tones: Tones }> {
  const { client, tones } = await registeredPhone();
  client.emit("incomingCall", { from: "alice" });
  const context = RecordingAudioContext.made[0];
  assert.ok(context, "the ring made an AudioContext");
  return { client, context, tones };
}

/** Lets the context's clock run to `seconds`, the page's timers with it. */
function runFor(context: RecordingAudioContext, seconds: number): void {
  for (let elapsed = context.currentTime; elapsed < seconds; elapsed += 1) {
    context.currentTime = elapsed + 1;
    mock.timers.tick(1000);
  }
}

describe("Tones", () => {
  beforeEach(() => {
    globals.AudioContext = RecordingAudioContext;
    RecordingAudioContext.made = [];
    RecordingAudioContext.startSuspended = false;
    mock.timers.enable({ apis: ["setInterval", "setTimeout"] });
  });
  afterEach(() => {
    mock.timers.reset();
    delete globals.AudioContext;
  });

  it("keeps ringing for as long as the call rings, not only its first minute", async () => {
    const { context, tones } = await ringingPhone();

    runFor(context, 3540);

    const latestOn = Math.max(...context.steps.filter((step) => step.value > 0).map((step) => step.at));
    assert.ok(latestOn >= 3540, `the ringing cadence reaches the call's 59th minute (last "on" step at ${latestOn} s)`);
    assert.ok(latestOn <= 3540 + 61, `it is written at most about a minute ahead (last "on" step at ${latestOn} s)`);
    tones.dispose();
  });

  it("keeps its cadence: an on step every period, none doubled, as the schedule is extended", async () => {
    const { context, tones } = await ringingPhone();

    runFor(context, 200);

    const ons = context.steps.filter((step) => step.value > 0).map((step) => step.at);
    assert.deepEqual(ons, ons.map((_, index) => index * 2), "the ringing tone starts every 2 s, from the ring on");
    tones.dispose();
  });

  it("writes no more of the cadence once the call is answered or gone", async () => {
    const { client, context, tones } = await ringingPhone();
    runFor(context, 10);
    client.emit("stopCommunication", { message: "alice cancelled", reason: "cancelled" });
    await settle();
    const written = context.steps.length;

    runFor(context, 300);

    assert.equal(context.steps.length, written, "the extension stopped with the tone");
    tones.dispose();
  });

  it("makes and starts its AudioContext within the person's first click, so a ring later, with no click behind it, may sound", async () => {
    RecordingAudioContext.startSuspended = true;
    const gestures = new EventTarget();
    const { client, tones } = await registeredPhone(gestures);

    gestures.dispatchEvent(new Event("pointerdown"));
    const [context] = RecordingAudioContext.made;
    assert.ok(context, "the click made the context");
    assert.equal(context.resumes, 1, "and started it, within the click");
    await settle();
    assert.equal(context.state, "suspended", "idle again: nothing sounds yet");
    gestures.dispatchEvent(new Event("keydown"));
    assert.equal(context.resumes, 1, "once started within a gesture, later keys start nothing (no device churn while typing)");

    client.emit("incomingCall", { from: "alice" });
    await settle();

    assert.equal(RecordingAudioContext.made.length, 1, "the ring uses the context the click started");
    assert.deepEqual(tones.current, { kind: "ringing", running: true });
    client.emit("stopCommunication", { message: "alice cancelled", reason: "cancelled" });
    await settle();
    assert.equal(context.state, "suspended", "silent again once the ring ended");
    tones.dispose();
  });
});
