// What the page says when the server ends or refuses something. The server's own message wins;
// the reason code decides how it is shown and fills in when there is no message.

import type { Reason } from "./signaling";
import type { MessageKind } from "./ui";

/** Outcomes of a call that are news, not faults: shown in neutral colours. */
const callOutcomes: ReadonlySet<Reason> = new Set<Reason>([
  "busy",
  "no-answer",
  "declined",
  "cancelled",
  "hung-up",
  "peer-disconnected",
]);

export function messageKind(reason: Reason | null | undefined): MessageKind {
  return reason != null && callOutcomes.has(reason) ? "info" : "error";
}

/** Words for a reason code, or undefined for none or one this page does not know. */
export function reasonText(reason: Reason | null | undefined, peer: string | null): string | undefined {
  const who = peer ?? "The other person";
  switch (reason) {
    case "invalid-name":
      return "That name cannot be used.";
    case "name-taken":
      return "That name is already registered.";
    case "already-registered":
      return "This page is already registered.";
    case "unknown-user":
      return `${who} is not registered.`;
    case "self-call":
      return "You cannot call yourself.";
    case "busy":
      return `${who} is busy.`;
    case "no-answer":
      return `${who} did not answer.`;
    case "declined":
      return `${who} declined the call.`;
    case "cancelled":
      return `${who} cancelled the call.`;
    case "hung-up":
      return `${who} hung up.`;
    case "peer-disconnected":
      return `${who} left.`;
    case "media-error":
    case "media-server-lost":
      return "The media server failed; the call was ended.";
    case "ice-failed":
      return "The media connection could not be established.";
    case "invalid-offer":
      return "The media server refused this browser's media offer.";
    case "rate-limited":
      return "Too many attempts; wait a moment and try again.";
    case "server-busy":
      return "The server has no room for another call right now. Try again in a moment.";
    case "server-shutdown":
      return "The server is shutting down; the call was ended.";
    case "name-not-allowed":
      return "Your sign-in does not allow that name.";
    default:
      return undefined;
  }
}

/** The text to show for a refusal or an ending: the server's message if it sent one. */
export function outcomeText(
  message: string | null | undefined,
  reason: Reason | null | undefined,
  peer: string | null,
  fallback: string,
): string {
  if (message != null && message.trim() !== "") {
    return message;
  }
  return reasonText(reason, peer) ?? (reason != null ? `${fallback} (${reason})` : fallback);
}
