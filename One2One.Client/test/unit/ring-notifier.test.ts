import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type NotificationApi, RingNotifier, ringTag } from "../../src/features/ring-notifier.js";
import { Softphone } from "../../src/softphone.js";
import { FakeClient, settle } from "./softphone-fakes.js";

/** Notifications as the browser makes them: each one made, its options, and whether it was closed. */
class FakeNotification {
  static permission: NotificationPermission = "granted";
  static made: FakeNotification[] = [];
  static asked = 0;
  static requestPermission(): Promise<NotificationPermission> {
    FakeNotification.asked++;
    return Promise.resolve("granted");
  }
  closed = false;
  onclick: (() => void) | null = null;
  constructor(
    readonly title: string,
    readonly options?: NotificationOptions,
  ) {
    FakeNotification.made.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

class FakePage {
  seen = false;
  focused = 0;
  readonly visibility = new EventTarget();
  isSeen(): boolean {
    return this.seen;
  }
  focus(): void {
    this.focused++;
  }
  show(seen: boolean): void {
    this.seen = seen;
    this.visibility.dispatchEvent(new Event("visibilitychange"));
  }
}

async function registeredPhone(permission: NotificationPermission = "granted"): Promise<{ client: FakeClient; page: FakePage; notifier: RingNotifier }> {
  FakeNotification.permission = permission;
  FakeNotification.made = [];
  FakeNotification.asked = 0;
  const client = new FakeClient();
  const phone = new Softphone(client.asClient, { openMediaWhileRinging: false });
  const page = new FakePage();
  const notifier = new RingNotifier(phone, () => FakeNotification as unknown as NotificationApi, page);
  phone.register("bob");
  await settle();
  return { client, page, notifier };
}

describe("RingNotifier", () => {
  it("shows a ring on a hidden page, until the ring ends", async () => {
    const { client, notifier } = await registeredPhone();

    client.emit("incomingCall", { from: "alice" });
    await settle();

    assert.equal(FakeNotification.made.length, 1);
    const shown = FakeNotification.made[0]!;
    assert.equal(shown.title, "alice is calling you");
    assert.equal(shown.options?.tag, ringTag);
    assert.equal(shown.options?.requireInteraction, true, "it stays until the ring ends");
    client.emit("stopCommunication", { reason: "cancelled" });
    await settle();
    assert.equal(shown.closed, true);
    assert.equal(notifier.showing, false);
  });

  it("shows nothing on a page that is seen (the prompt is), and goes when the page is seen", async () => {
    const { client, page } = await registeredPhone();
    page.seen = true;
    client.emit("incomingCall", { from: "alice" });
    await settle();
    assert.equal(FakeNotification.made.length, 0);

    page.show(false);
    assert.equal(FakeNotification.made.length, 1, "hidden while it rings");
    page.show(true);
    assert.equal(FakeNotification.made[0]!.closed, true);
  });

  it("a click on it brings the page forward and closes it", async () => {
    const { client, page } = await registeredPhone();
    client.emit("incomingCall", { from: "alice" });
    await settle();

    FakeNotification.made[0]!.onclick?.();

    assert.equal(page.focused, 1);
    assert.equal(FakeNotification.made[0]!.closed, true);
  });

  it("shows nothing unless the person allowed notifications, and asks only those never asked", async () => {
    for (const permission of ["default", "denied"] as const) {
      const { client, notifier } = await registeredPhone(permission);
      client.emit("incomingCall", { from: "alice" });
      await settle();
      assert.equal(FakeNotification.made.length, 0, permission);
      notifier.askPermission();
      assert.equal(FakeNotification.asked, permission === "default" ? 1 : 0, permission);
    }
  });

  it("disposed, it closes what it shows and follows nothing more", async () => {
    const { client, page, notifier } = await registeredPhone();
    client.emit("incomingCall", { from: "alice" });
    await settle();
    notifier.dispose();
    assert.equal(FakeNotification.made[0]!.closed, true);
    page.show(false);
    assert.equal(FakeNotification.made.length, 1);
  });
});
