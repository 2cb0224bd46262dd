// What a softphone says when the server ends or refuses something. The server's own message wins;
// the reason code decides how it is shown and fills in when there is no message.

import type { Reason } from "./contract.js";
import { inSentence } from "./names.js";

/** An error (red) or news about the call such as "bob declined" (neutral). */
export type MessageKind = "error" | "info";

/** Outcomes of a call that are news, not faults: shown in neutral colours. */
const callOutcomes: ReadonlySet<Reason> = new Set<Reason>([
  "busy",
  "unavailable",
  "no-answer",
  "declined",
  "cancelled",
  "hung-up",
  "peer-disconnected",
]);

export function messageKind(reason: string | null | undefined): MessageKind {
  return reason != null && callOutcomes.has(reason as Reason) ? "info" : "error";
}

/** Words for each reason code; a reason added to the contract fails the type check until it has words here. */
const reasonWords: { readonly [R in Reason]: (who: string) => string } = {
  "invalid-name": () => "That name cannot be used.",
  "name-taken": () => "That name is already registered.",
  "already-registered": () => "This page is already registered.",
  "unknown-user": (who) => `${who} is not registered.`,
  "self-call": () => "You cannot call yourself.",
  busy: (who) => `${who} is busy.`,
  unavailable: (who) => `${who} is reconnecting. Try again in a moment.`,
  "no-answer": (who) => `${who} did not answer.`,
  declined: (who) => `${who} declined the call.`,
  cancelled: (who) => `${who} cancelled the call.`,
  "hung-up": (who) => `${who} hung up.`,
  "peer-disconnected": (who) => `${who} left.`,
  "media-error": () => "The media server failed; the call was ended.",
  "media-server-lost": () => "The media server failed; the call was ended.",
  "ice-failed": () => "The media connection could not be established.",
  "invalid-offer": () => "The media server refused this browser's media offer.",
  "rate-limited": () => "Too many attempts; wait a moment and try again.",
  "server-busy": () => "The server has no room for another call right now. Try again in a moment.",
  "server-shutdown": () => "The server is shutting down; the call was ended.",
  "name-not-allowed": () => "Your sign-in does not allow that name.",
  "resume-expired": () => "The call could not be resumed: too much time has passed. Register again.",
  "resume-refused": () => "The call could not be resumed with this page's token.",
};

/** Words for a reason code, or undefined for none or one this client does not know (a newer server's). */
export function reasonText(reason: string | null | undefined, peer: string | null): string | undefined {
  // Not Object.hasOwn: Safari before 15.4 (iOS 15.0-15.3) lacks it, and its TypeError left a call stuck in "calling".
  if (reason == null || !Object.prototype.hasOwnProperty.call(reasonWords, reason)) {
    return undefined;
  }
  return reasonWords[reason as Reason](peer === null ? "The other person" : inSentence(peer));
}

/** The text to show for a refusal or an ending: the server's message if it sent one. */
export function outcomeText(
  message: string | null | undefined,
  reason: string | null | undefined,
  peer: string | null,
  fallback: string,
): string {
  if (message != null && message.trim() !== "") {
    return message;
  }
  return reasonText(reason, peer) ?? (reason != null ? `${fallback} (${reason})` : fallback);
}
