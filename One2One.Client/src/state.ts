// The softphone's state machine, pure: no DOM, no network. The page renders a PhoneSnapshot and
// every change goes through transition(), so an event that makes no sense in the current state
// (a late server message, a double click) is refused instead of corrupting the call.

import { inSentence } from "./names.js";

export const phoneStates = [
  "idle", // not registered
  "registering",
  "registered",
  "calling", // outgoing, ringing at the peer
  "incoming", // the prompt is shown
  "connecting", // answer exchange and ICE
  "in-call",
  "hanging-up",
] as const;

export type PhoneState = (typeof phoneStates)[number];

export interface PhoneSnapshot {
  readonly state: PhoneState;
  /** The name this page registered (or is registering) under. */
  readonly user: string | null;
  /** The other party while a call is being set up or is up. */
  readonly peer: string | null;
}

export type PhoneEvent =
  | { readonly kind: "register"; readonly user: string }
  /** `user`: the name as the server registered it, when it says. */
  | { readonly kind: "registered"; readonly user?: string | null }
  | { readonly kind: "registration-failed" }
  | { readonly kind: "dial"; readonly peer: string }
  | { readonly kind: "ring"; readonly from: string }
  | { readonly kind: "accept" }
  /** The callee accepted and the media server answered the caller's offer. */
  | { readonly kind: "answered" }
  | { readonly kind: "media-connected" }
  /** Registered again with a resume token (a reload, a lost connection) while the server kept this page's call with `peer` going. */
  | { readonly kind: "resume-call"; readonly peer: string; readonly user?: string | null }
  | { readonly kind: "hang-up" }
  /** The call attempt or the call is over, whoever ended it and however. */
  | { readonly kind: "ended" }
  /** The person signed out: the server frees the name at once and ends any call. */
  | { readonly kind: "unregistered" }
  /** The signaling connection closed. */
  | { readonly kind: "disconnected" };

export type PhoneEventKind = PhoneEvent["kind"];

export const initialSnapshot: PhoneSnapshot = { state: "idle", user: null, peer: null };

const callPhases: readonly PhoneState[] = ["calling", "incoming", "connecting", "in-call", "hanging-up"];

/** The states each event may leave from. */
const allowedFrom: { readonly [K in PhoneEventKind]: readonly PhoneState[] } = {
  register: ["idle"],
  registered: ["registering"],
  "registration-failed": ["registering"],
  dial: ["registered"],
  ring: ["registered"],
  accept: ["incoming"],
  answered: ["calling"],
  "media-connected": ["connecting"],
  // Straight from registering: the call never ended, so the page is never shown registered in between.
  "resume-call": ["registering"],
  "hang-up": ["calling", "connecting", "in-call"],
  ended: callPhases,
  // From registering too: a registration or resume on its way, or a call held while the connection comes back.
  unregistered: ["registering", "registered", ...callPhases],
  disconnected: phoneStates,
};

export function canHandle(snapshot: PhoneSnapshot, kind: PhoneEventKind): boolean {
  return allowedFrom[kind].includes(snapshot.state);
}

/** The next snapshot, or undefined when the event is not allowed in the current state. */
export function transition(snapshot: PhoneSnapshot, event: PhoneEvent): PhoneSnapshot | undefined {
  if (!canHandle(snapshot, event.kind)) {
    return undefined;
  }
  switch (event.kind) {
    case "register":
      return { state: "registering", user: event.user, peer: null };
    case "registered":
      return { ...snapshot, state: "registered", user: event.user ?? snapshot.user };
    case "registration-failed":
    case "unregistered":
    case "disconnected":
      return initialSnapshot;
    case "dial":
      return { ...snapshot, state: "calling", peer: event.peer };
    case "ring":
      return { ...snapshot, state: "incoming", peer: event.from };
    case "accept":
    case "answered":
      return { ...snapshot, state: "connecting" };
    case "resume-call":
      return { ...snapshot, state: "connecting", peer: event.peer, user: event.user ?? snapshot.user };
    case "media-connected":
      return { ...snapshot, state: "in-call" };
    case "hang-up":
      return { ...snapshot, state: "hanging-up" };
    case "ended":
      return { ...snapshot, state: "registered", peer: null };
  }
}

/** True while a call is being set up, is up, or is being torn down. */
export function isCallPhase(state: PhoneState): boolean {
  return callPhases.includes(state);
}

/** The state in words, as the page shows it. */
export function describe(snapshot: PhoneSnapshot): string {
  const user = inSentence(snapshot.user ?? "");
  const peer = inSentence(snapshot.peer ?? "");
  switch (snapshot.state) {
    case "idle":
      return "Not registered";
    case "registering":
      return `Registering as ${user}…`;
    case "registered":
      return `Registered as ${user}`;
    case "calling":
      return `Calling ${peer}…`;
    case "incoming":
      return `${peer} is calling you`;
    case "connecting":
      return `Connecting to ${peer}…`;
    case "in-call":
      return `In call with ${peer}`;
    case "hanging-up":
      return "Hanging up…";
  }
}
