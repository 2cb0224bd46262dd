// The page: finds the elements index.html declares, renders a PhoneSnapshot into them and turns
// clicks into PhoneActions. It decides nothing about calls.

import { inSentence } from "./names.js";
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
  /** The panel's controls, inert while the phone rings (its message, an alert, stays out of it: it must still be read). */
  private readonly panelControls = ["register-form", "call-form", "devices", "missed-calls", "presence"].map((id) => element(id, HTMLElement));

  private snapshot: PhoneSnapshot = initialSnapshot;
  /** This page's media is being reconnected; while registering, the call's media is held and Hang up can end it. */
  private selfReconnecting = false;
  /** What had the keyboard focus when the phone started ringing, given back when the ringing ends without a call. */
  private focusBeforeRinging: HTMLElement | null = null;

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
    // The ringing prompt is a modal dialog: Escape declines, as it closes any dialog, and Tab goes round its two buttons
    // (the rest of the page is inert, and past the last button the focus would leave for the browser's own controls).
    // On the document, so it works wherever the focus is (a click on the card puts it on the body).
    document.addEventListener("keydown", (event) => {
      if (this.snapshot.state !== "incoming") {
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        actions.reject();
      } else if (event.key === "Tab") {
        event.preventDefault();
        (document.activeElement === this.acceptButton ? this.rejectButton : this.acceptButton).focus();
      }
    });
    // Typing enables or disables Register and Call, and a new name is no longer the one refused.
    this.nameInput.addEventListener("input", () => {
      this.nameInput.removeAttribute("aria-invalid");
      this.renderControls();
    });
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

    if (state === "incoming" && previous !== "incoming") {
      // Before the rest of the page goes inert, which takes the focus away.
      this.focusBeforeRinging = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    }
    this.incoming.hidden = state !== "incoming";
    // Modal while ringing (aria-modal): a keyboard or screen reader user stays on Accept and Decline, and on a phone,
    // where the prompt covers the page, nothing hidden under it can be reached.
    for (const part of this.panelControls) {
      part.inert = state === "incoming";
    }
    this.incomingFrom.textContent = state === "incoming" ? (snapshot.peer ?? "") : "";
    this.stageCaption.textContent = this.caption(snapshot);
    this.stagePeer.textContent = state === "connecting" || state === "in-call" ? (snapshot.peer ?? "") : "";
    this.registerButton.textContent = registerLabel[state];
    this.renderControls();

    if (state !== previous) {
      this.moveFocus(state, previous);
    }
  }

  /** @param about "name" when the message says why the name was refused: the name's field is marked (aria-invalid). */
  showMessage(text: string, kind: MessageKind = "error", about?: "name"): void {
    this.message.textContent = text;
    this.message.dataset["kind"] = kind;
    this.message.hidden = false;
    if (about === "name") {
      // aria-describedby="error" reads the words with the field.
      this.nameInput.setAttribute("aria-invalid", "true");
    } else {
      this.nameInput.removeAttribute("aria-invalid");
    }
  }

  clearMessage(): void {
    this.message.textContent = "";
    this.message.hidden = true;
    this.nameInput.removeAttribute("aria-invalid");
  }

  /**
   * Shows "reconnecting" while this page's or the peer's media path is being replaced during a call. The status region is
   * never hidden, only emptied, so a screen reader reads the words when they come.
   */
  showReconnecting(self: boolean, peer: boolean): void {
    this.reconnecting.dataset["who"] = self ? "self" : peer ? "peer" : "";
    this.reconnecting.textContent = self ? "Reconnecting…" : peer ? `${this.snapshot.peer === null ? "The other side" : inSentence(this.snapshot.peer)} is reconnecting…` : "";
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
        return `Ringing ${inSentence(snapshot.peer ?? "")}…`;
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

  /**
   * Keeps the keyboard focus on something that is there and means something: a control the person pressed that is now
   * disabled or hidden (Call, Accept) would drop it on the page's body, where a screen reader says nothing.
   */
  private moveFocus(state: PhoneState, previous: PhoneState): void {
    switch (state) {
      case "idle":
        this.nameInput.focus();
        break;
      case "registered": {
        const before = this.focusBeforeRinging;
        this.focusBeforeRinging = null;
        if (previous === "incoming" && before !== null && before !== document.body && before.isConnected && !isDisabled(before)) {
          before.focus();
        }
        if (document.activeElement !== before || before === null) {
          // Never had it, or cannot take it back (hidden since): where a registered person goes next.
          this.peerInput.focus();
        }
        break;
      }
      case "incoming":
        this.acceptButton.focus();
        break;
      case "calling":
      case "connecting":
        // Dialled or answered: Hang up is what can be pressed now. Not on a resume (from registering), which nobody pressed.
        if (previous === "registered" || previous === "incoming") {
          this.focusBeforeRinging = null;
          this.hangUpButton.focus();
        }
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

function isDisabled(element: HTMLElement): boolean {
  return "disabled" in element && element.disabled === true;
}

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
