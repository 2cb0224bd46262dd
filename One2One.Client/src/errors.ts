// The errors the SDK's promises reject with. Each carries a machine-readable reason: the server's reason code
// (contract.ts: Reason, Refusal) when the server refused or ended something, or one of the client's own codes
// when the server could not be reached or the connection went away.

import { reasons, refusals, type Reason, type Refusal } from "./contract.js";

/** Reasons the client itself gives: the server was not reached, refused the sign-in, or went away. */
export type ClientReason = "unreachable" | "unauthorized" | "forbidden" | "disconnected" | "cancelled" | "server-error";

export type ErrorReason = Reason | Refusal | ClientReason;

export class One2OneError extends Error {
  override readonly name: string = "One2OneError";

  constructor(
    message: string,
    readonly reason: ErrorReason,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The server refused an invocation (a HubException): protocol misuse or a limit. message is the server's. */
export class RefusedError extends One2OneError {
  override readonly name = "RefusedError";

  constructor(
    message: string,
    override readonly reason: Refusal | Reason,
    options?: ErrorOptions,
  ) {
    super(message, reason, options);
  }
}

/** The server said no in a response (a rejected RegisterResponse or CallResponse), or ended a call being set up. */
export class RejectedError extends One2OneError {
  override readonly name = "RejectedError";

  /** @param serverMessage what the server said, for people; null when it said nothing. */
  constructor(
    message: string,
    override readonly reason: Reason,
    readonly serverMessage: string | null,
  ) {
    super(message, reason);
  }
}

/**
 * The server could not be reached, refused the connection's sign-in ("unauthorized", "forbidden") or the connection itself
 * ("rate-limited": too many connections, or connection attempts, from this network address), or the connection closed.
 */
export class ConnectionError extends One2OneError {
  override readonly name = "ConnectionError";

  constructor(
    message: string,
    override readonly reason: "unreachable" | "unauthorized" | "forbidden" | "rate-limited" | "disconnected",
    options?: ErrorOptions,
  ) {
    super(message, reason, options);
  }
}

const knownReasons: ReadonlySet<string> = new Set<string>([...reasons, ...refusals]);

export function isReason(code: string): code is Reason {
  return (reasons as readonly string[]).includes(code);
}

// A refused negotiate surfaces as "...: Status code '401'" (HttpError's message, wrapped by the client).
const refusedStatusPattern = /Status code '(401|403|429)'/;
// The server's connection quota answers 429 with the words a hub refusal would have: "rate-limited: <why>".
const rateLimitedPattern = /rate-limited: ([\s\S]*?): Status code '429'/;
const forbiddenPattern = /forbidden: ([\s\S]*?): Status code '403'/;

/** Whether the server refused a connection's sign-in (401: no token, or one expired or not signed by its key). */
export function isSignInRefused(error: unknown): boolean {
  return refusedStatusPattern.exec(errorText(error))?.[1] === "401";
}

/** The error for a connection that could not be started. */
export function connectionError(error: unknown): ConnectionError {
  const text = errorText(error);
  const status = refusedStatusPattern.exec(text)?.[1];
  if (status === "401") {
    return new ConnectionError(
      "The server requires sign-in, and this page has no valid token (missing, expired or not signed by the server's key). Open the page with a fresh ?token=.",
      "unauthorized",
      { cause: error },
    );
  }
  if (status === "403") {
    // The server says why when it is the page's origin (Hub:AllowedOrigins); a token without a name comes with no words.
    const why = forbiddenPattern.exec(text)?.[1]?.trim();
    return new ConnectionError(
      why ? `The server refused the connection: ${why}` : "The server refused this sign-in: the token carries no name to register.",
      "forbidden",
      { cause: error },
    );
  }
  if (status === "429") {
    const why = rateLimitedPattern.exec(text)?.[1]?.trim() || "Too many connections from this network address; try again later.";
    return new ConnectionError(`The server refused the connection: ${why}`, "rate-limited", { cause: error });
  }
  return new ConnectionError(`Could not reach the server (${text}).`, "unreachable", { cause: error });
}

// The client wraps a HubException as "An unexpected error occurred invoking 'X' on the server. HubException: <body>",
// and the server writes the body as "<reason>: <message>" (HubRejection.WireMessage).
const hubExceptionPattern = /HubException: ([\s\S]*)$/;
const reasonPrefixPattern = /^([a-z]+(?:-[a-z]+)*): ([\s\S]*)$/;

/**
 * The error for a failed invocation: a RefusedError with the server's reason when the server refused it,
 * a ConnectionError when the connection was not (or no longer) up, else a "server-error".
 */
export function invocationError(error: unknown, connected: boolean): One2OneError {
  const text = errorText(error);
  const body = hubExceptionPattern.exec(text)?.[1]?.trim();
  if (body !== undefined) {
    const coded = reasonPrefixPattern.exec(body);
    if (coded?.[1] !== undefined && knownReasons.has(coded[1])) {
      return new RefusedError(coded[2]?.trim() || coded[1], coded[1] as Refusal | Reason, { cause: error });
    }
    // A server older than the reason prefix, or a code this client does not know: the words still count.
    return new RefusedError(body || text, "invalid-request", { cause: error });
  }
  if (!connected) {
    return new ConnectionError("The connection to the server was lost.", "disconnected", { cause: error });
  }
  return new One2OneError(text, "server-error", { cause: error });
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
