// Entry point of the bundle (wwwroot/js/app.js): wires the page to the hub and exposes the
// read-only test hook, the only global this client defines.

import { SignalingConnection } from "./signaling";
import { Softphone } from "./softphone";
import { PhoneView } from "./ui";

/** Lets browser tests read the state and the live connection's getStats(); it changes nothing. */
export interface One2OneTestHook {
  state(): string;
  peerConnection(): RTCPeerConnection | null;
}

declare global {
  interface Window {
    readonly one2one: One2OneTestHook;
  }
}

const phone = new Softphone(new SignalingConnection("/one2one"), new PhoneView());

const hook: One2OneTestHook = Object.freeze({
  state: () => phone.state,
  peerConnection: () => phone.peerConnection,
});
Object.defineProperty(window, "one2one", { value: hook, enumerable: true });
