// The page: finds the elements index.html declares, renders a PhoneSnapshot into them and turns
// clicks into PhoneActions. It decides nothing about calls.

import type { MessageKind } from "./reasons.js";
import { describe, initialSnapshot, type PhoneSnapshot, type PhoneState } from "./state.js";

/** What the person can ask for; the Softphone implements it. */
export interface PhoneActions {
  register(name: string): void;
  signOut(): void;
  call(peer: string): void;
  hangUp(): void;
  accept(): void;
  reject(): void;
}

export function element<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) {
    throw new Error(`index.html lacks the ${type.name} #${id}`);
  }
  return found;
}

export class PhoneView {
  private readonly stateLabel = element("state", HTMLElement);
  private readonly nameInput = element("name", HTMLInputElement);
  private readonly peerInput = element("peer", HTMLInputElement);
  private readonly registerButton = element("register", HTMLButtonElement);
  private readonly signOutButton = element("sign-out", HTMLButtonElement);
  private readonly callButton = element("call", HTMLButtonElement);
  private readonly hangUpButton = element("hangup", HTMLButtonElement);
  private readonly incoming = element("incoming", HTMLElement);
  private readonly incomingFrom = element("incoming-from", HTMLElement);
  private readonly acceptButton = element("accept", HTMLButtonElement);
  private readonly rejectButton = element("reject", HTMLButtonElement);
  private readonly message = element("error", HTMLElement);
  private readonly localVideo = element("local-video", HTMLVideoElement);
  private readonly remoteVideo = element("remote-video", HTMLVideoElement);
  private readonly stageCaption = element("stage-caption", HTMLElement);
  private readonly stagePeer = element("stage-peer", HTMLElement);
  private readonly registerForm = element("register-form", HTMLFormElement);
  private readonly callForm = element("call-form", HTMLFormElement);
  private readonly reconnecting = element("call-reconnecting", HTMLElement);

  private snapshot: PhoneSnapshot = initialSnapshot;
  /** This page's media is being reconnected; while registering, the call's media is held and Hang up can end it. */
  private selfReconnecting = false;

  bind(actions: PhoneActions): void {
    this.registerForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = this.nameInput.value.trim();
      if (name !== "" && !this.registerButton.disabled) {
        actions.register(name);
      }
    });
    this.callForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const peer = this.peerInput.value.trim();
      if (peer !== "" && !this.callButton.disabled) {
        actions.call(peer);
      }
    });
    this.hangUpButton.addEventListener("click", () => actions.hangUp());
    this.signOutButton.addEventListener("click", () => actions.signOut());
    this.acceptButton.addEventListener("click", () => actions.accept());
    this.rejectButton.addEventListener("click", () => actions.reject());
    // Typing enables or disables Register and Call.
    this.nameInput.addEventListener("input", () => this.renderControls());
    this.peerInput.addEventListener("input", () => this.renderControls());
  }

  render(snapshot: PhoneSnapshot): void {
    const previous = this.snapshot.state;
    this.snapshot = snapshot;
    const { state } = snapshot;

    this.stateLabel.textContent = describe(snapshot);
    this.stateLabel.dataset["state"] = state;
    document.body.dataset["state"] = state;
    document.title = state === "idle" ? "One2One" : `${describe(snapshot)} · One2One`;

    this.incoming.hidden = state !== "incoming";
    this.incomingFrom.textContent = state === "incoming" ? (snapshot.peer ?? "") : "";
    this.stageCaption.textContent = this.caption(snapshot);
    this.stagePeer.textContent = state === "connecting" || state === "in-call" ? (snapshot.peer ?? "") : "";
    this.registerButton.textContent = registerLabel[state];
    this.renderControls();

    if (state !== previous) {
      this.moveFocus(snapshot);
    }
  }

  showMessage(text: string, kind: MessageKind = "error"): void {
    this.message.textContent = text;
    this.message.dataset["kind"] = kind;
    this.message.hidden = false;
  }

  clearMessage(): void {
    this.message.textContent = "";
    this.message.hidden = true;
  }

  /** Shows "reconnecting" while this page's or the peer's media path is being replaced during a call. */
  showReconnecting(self: boolean, peer: boolean): void {
    this.reconnecting.hidden = !self && !peer;
    this.reconnecting.dataset["who"] = self ? "self" : peer ? "peer" : "";
    this.reconnecting.textContent = self ? "Reconnecting…" : peer ? `${this.snapshot.peer ?? "The other side"} is reconnecting…` : "";
    this.selfReconnecting = self;
    this.renderControls();
  }

  showLocalStream(stream: MediaStream | null): void {
    attach(this.localVideo, stream);
  }

  showRemoteStream(stream: MediaStream | null): void {
    attach(this.remoteVideo, stream);
    document.body.classList.toggle("has-remote-video", stream !== null);
  }

  private renderControls(): void {
    const { state } = this.snapshot;
    const name = this.nameInput.value.trim();
    const peer = this.peerInput.value.trim();
    this.nameInput.disabled = state !== "idle";
    this.registerButton.disabled = state !== "idle" || name === "";
    // Registering too: a registration the server is slow to answer (or a resume waiting for the connection to come back)
    // can be given up, and a call held meanwhile with it.
    this.signOutButton.hidden = state === "idle";
    this.peerInput.disabled = state !== "idle" && state !== "registered";
    this.callButton.disabled = state !== "registered" || peer === "";
    const heldCall = state === "registering" && this.selfReconnecting;
    this.hangUpButton.disabled = state !== "calling" && state !== "connecting" && state !== "in-call" && !heldCall;
  }

  private caption(snapshot: PhoneSnapshot): string {
    switch (snapshot.state) {
      case "idle":
      case "registering":
        return "Register with a name to make and take calls.";
      case "registered":
        return "Ready. Enter a name and press Call.";
      case "calling":
        return `Ringing ${snapshot.peer ?? ""}…`;
      case "incoming":
        return "Incoming call";
      case "connecting":
        return "Connecting media…";
      case "in-call":
        return "Waiting for video…";
      case "hanging-up":
        return "Ending the call…";
    }
  }

  private moveFocus(snapshot: PhoneSnapshot): void {
    switch (snapshot.state) {
      case "idle":
        this.nameInput.focus();
        break;
      case "registered":
        this.peerInput.focus();
        break;
      case "incoming":
        this.acceptButton.focus();
        break;
      default:
        break;
    }
  }
}

const registerLabel: { readonly [S in PhoneState]: string } = {
  idle: "Register",
  registering: "Registering…",
  registered: "Registered",
  calling: "Registered",
  incoming: "Registered",
  connecting: "Registered",
  "in-call": "Registered",
  "hanging-up": "Registered",
};

function attach(video: HTMLVideoElement, stream: MediaStream | null): void {
  if (video.srcObject === stream) {
    return;
  }
  video.srcObject = stream;
  if (stream !== null) {
    // autoplay covers most browsers; play() covers a stream attached after the first frame.
    video.play().catch(() => undefined);
  }
}
