// The page's memory across a reload: the name it registered, the resume token the server gave it, whether it was
// in a call and since when (the call's timer goes on), whether its microphone and camera were muted (a reload must
// not turn on a microphone the person turned off), and whether it was hanging up (a call the server still holds is then ended, not resumed). The server holds
// a registration whose connection was lost for Calls:ReconnectWindow, so a reloaded page resumes it, in a call or not:
// registering the name again would be refused as taken until the window closes.
//
// Kept in sessionStorage (per tab, gone when the tab closes, never sent anywhere but to Resume), and written only as the
// page goes away (pagehide: a reload, a navigation) or while it is hidden. A hidden page may be ended with no further
// event (a phone's system stops the browser in the background; a browser discards a frozen tab): it is written when the
// page is hidden or frozen and kept up to date while it stays hidden, and taken back when the page is seen again. While the
// page is seen its storage holds nothing, so a duplicated tab, which starts with a copy of the original's sessionStorage,
// cannot take the original's registration over (a duplicate of a tab that is hidden at that moment can: it resumes, and
// the original is told it was signed in elsewhere).

import type { MediaState } from "./contract.js";
import type { Softphone } from "./softphone.js";

const key = "one2one.resume";

interface Saved {
  readonly name: string;
  readonly token: string;
  readonly inCall: boolean;
  readonly hangingUp: boolean;
  readonly connectedAt?: number | null;
  readonly mediaState?: MediaState;
}

/**
 * Follows the phone's registration and tokens, and leaves them in `storage` for the next page when this one goes away or
 * while it is hidden (`isSeen`: the page's visibility).
 */
export function rememberForResume(
  phone: Softphone,
  storage: Storage = sessionStorage,
  page: EventTarget = window,
  isSeen: () => boolean = () => globalThis.document?.visibilityState !== "hidden",
): void {
  let token: string | null = null;
  // A page that loads hidden (a tab restored or reloaded in the background) follows from the start: the resume it makes
  // spends the token it was left, and its next must be kept. Nothing is written yet: the entry is for resumeAfterReload.
  let leftBehind = !isSeen();
  const leave = (): void => {
    leftBehind = true;
    const { user, state } = phone.current;
    // A resume still on its way (this page was itself reloaded, or lost its connection) has the token and the call: its
    // token is unspent until the server answers, and the call is held, not shown, while registering.
    const resuming = phone.resuming;
    const latest = resuming?.token ?? token;
    if (user === null || latest === null || state === "idle") {
      storage.removeItem(key);
      return;
    }
    const saved: Saved = {
      name: user,
      token: latest,
      // A call still ringing ended on the server with the connection (Softphone.onConnectionClosed): not one to resume.
      inCall: resuming !== null ? resuming.inCall : state === "in-call" || state === "connecting",
      hangingUp: phone.hangUpPending,
      connectedAt: resuming !== null ? resuming.connectedAt : phone.callConnectedAt,
      mediaState: { audio: phone.mediaState.audio, video: phone.mediaState.video },
    };
    storage.setItem(key, JSON.stringify(saved));
  };
  // This page lives on and is seen: what it left is not for another.
  const takeBack = (): void => {
    if (leftBehind) {
      leftBehind = false;
      storage.removeItem(key);
    }
  };
  // While hidden, what is left follows the page: a new token (a resume spends the old one) or the call's end.
  const follow = (): void => {
    if (leftBehind) {
      leave();
    }
  };
  phone.on("resumeToken", (next) => {
    token = next;
    follow();
  });
  phone.on("stateChange", follow);
  phone.on("mediaStateChange", follow);
  page.addEventListener("pagehide", leave);
  // freeze and resume are fired at the document and do not bubble: heard on the way down (capture).
  page.addEventListener("freeze", leave, { capture: true });
  page.addEventListener("visibilitychange", () => {
    if (isSeen()) {
      takeBack();
    } else {
      leave();
    }
  });
  page.addEventListener(
    "resume",
    () => {
      if (isSeen()) {
        takeBack();
      }
    },
    { capture: true },
  );
  // Back from the back/forward cache: this page lives on, so what it left is not for another.
  page.addEventListener("pageshow", (event) => {
    if ((event as Partial<PageTransitionEvent>).persisted === true) {
      takeBack();
    }
  });
}

/**
 * Resumes the registration (and call) a reloaded page had; true if it tried. The entry is removed at once (a live page
 * keeps nothing); until the resume is answered its token stays with the phone (Softphone.resuming), for another reload.
 */
export function resumeAfterReload(phone: Softphone, storage: Storage = sessionStorage): boolean {
  const raw = storage.getItem(key);
  storage.removeItem(key);
  if (raw === null) {
    return false;
  }
  try {
    const saved = JSON.parse(raw) as Saved;
    if (typeof saved.name !== "string" || typeof saved.token !== "string") {
      return false;
    }
    const connectedAt = typeof saved.connectedAt === "number" && Number.isFinite(saved.connectedAt) ? saved.connectedAt : null;
    // Muted before the call resumes, so the resumed call never sends what the person had turned off.
    if (saved.mediaState?.audio === false) {
      phone.setMicrophoneEnabled(false);
    }
    if (saved.mediaState?.video === false) {
      phone.setCameraEnabled(false);
    }
    phone.resume(saved.name, saved.token, saved.inCall === true, saved.hangingUp === true, connectedAt);
    return true;
  } catch {
    return false;
  }
}
