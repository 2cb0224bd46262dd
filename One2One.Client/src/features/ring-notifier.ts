// A call ringing on a page nobody is looking at (a background tab, a minimized window) is shown as a notification as
// well: the ring tone alone may not sound (a page that registered again by itself after a reload has had no click to
// let it play sound) and cannot be seen. Only where the person allowed notifications (the page asks when they register,
// a click) and only while the page is hidden; it goes when the ring ends or the page is seen, and a click on it brings
// the page forward, where the prompt is.

import { Subscriptions } from "../emitter.js";
import type { Softphone, SoftphoneEvents } from "../softphone.js";
import { describe } from "../state.js";

/** The Notifications API as far as this uses it (globalThis.Notification in a browser). */
export interface NotificationApi {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options?: NotificationOptions): Notification;
}

/** The page this runs in: whether it is seen, where its visibility changes, and how to bring it forward. */
export interface NotifyingPage {
  isSeen(): boolean;
  readonly visibility: EventTarget;
  focus(): void;
}

/** Every notification of a ring has this tag: a new one replaces an old one rather than stacking. */
export const ringTag = "one2one-incoming-call";

const browserPage = (): NotifyingPage => ({
  isSeen: () => globalThis.document?.visibilityState === "visible",
  visibility: globalThis.document,
  focus: () => globalThis.focus?.(),
});

export class RingNotifier {
  private readonly fromPhone: Subscriptions<SoftphoneEvents>;
  private shown: Notification | null = null;

  constructor(
    private readonly phone: Softphone,
    private readonly notifications: () => NotificationApi | undefined = () => (globalThis as { Notification?: NotificationApi }).Notification,
    private readonly page: NotifyingPage = browserPage(),
  ) {
    this.fromPhone = new Subscriptions<SoftphoneEvents>(phone);
    this.fromPhone.on("stateChange", (snapshot) => {
      if (snapshot.state === "incoming") {
        this.show();
      } else {
        this.close();
      }
    });
    page.visibility.addEventListener("visibilitychange", this.onVisibilityChange);
  }

  /**
   * Asks the person to allow notifications, if they were never asked: call it within a click (registering), as
   * browsers ask only then. Nothing where there are no notifications or the person already answered.
   */
  askPermission(): void {
    try {
      const api = this.notifications();
      if (api?.permission === "default") {
        // Promise.resolve: Safari before 15 takes a callback and returns nothing.
        void Promise.resolve(api.requestPermission()).catch(() => undefined);
      }
    } catch {
      // Notifications are an extra: nothing here may stop what the click was for.
    }
  }

  /** Whether a notification of the ring is up now. */
  get showing(): boolean {
    return this.shown !== null;
  }

  dispose(): void {
    this.fromPhone.dispose();
    this.page.visibility.removeEventListener("visibilitychange", this.onVisibilityChange);
    this.close();
  }

  private readonly onVisibilityChange = (): void => {
    if (this.page.isSeen()) {
      this.close();
    } else if (this.phone.current.state === "incoming") {
      this.show();
    }
  };

  private show(): void {
    const api = this.notifications();
    if (this.shown !== null || api?.permission !== "granted" || this.page.isSeen()) {
      return;
    }
    try {
      const shown = new api(describe(this.phone.current), { tag: ringTag, requireInteraction: true, body: "Open the page to answer." });
      shown.onclick = () => {
        this.page.focus();
        this.close();
      };
      this.shown = shown;
    } catch {
      // A browser that allows notifications only from a service worker (Chrome on Android): the ring tone and the tab's title remain.
    }
  }

  private close(): void {
    this.shown?.close();
    this.shown = null;
  }
}
