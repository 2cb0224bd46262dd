// Entry point of the test bundle (wwwroot/js/app-test.js): the page as in main.ts, plus the read-only
// hook browser tests use. The server serves this bundle in place of js/app.js only when
// Client:TestHooks is true (never by default), so production pages have no window.one2one.

import { startPage } from "./page.js";

/** Lets browser tests read the state and the live connection's getStats(); it changes nothing. */
export interface One2OneTestHook {
  state(): string;
  peerConnection(): RTCPeerConnection | null;
  /** The tone sounding now ("ringing" or "ringback") and whether its AudioContext runs; null when silent. */
  tone(): { readonly kind: string; readonly running: boolean } | null;
}

declare global {
  interface Window {
    readonly one2one: One2OneTestHook;
  }
}

const { phone, tones } = startPage();

const hook: One2OneTestHook = Object.freeze({
  state: () => phone.state,
  peerConnection: () => phone.peerConnection,
  tone: () => tones.current,
});
Object.defineProperty(window, "one2one", { value: hook, enumerable: true });
