// How the page's signaling connection comes back after it broke (a network blip, a server that died behind the load
// balancer): SignalR's automatic reconnect, tried at once and then every few seconds for a minute. The server holds
// the registration and a call for Calls:ReconnectWindow (20 s by default), and the first tries may still reach a dead
// server until the load balancer has noticed; later ones go to a live one. A try the server turns away for its sign-in
// (401: the page's token expired meanwhile) ends the trying at once: the same token would be refused for the whole
// minute. The Softphone then tries once more on a new connection and, refused again, says the sign-in expired.

import type { IRetryPolicy, RetryContext } from "@microsoft/signalr";
import { isSignInRefused } from "./errors.js";

/** The waits before each try, in milliseconds; the last one repeats. */
const waits = [0, 1000, 2000, 3000, 5000] as const;

/** How long the page keeps trying before it says the connection was lost. */
const giveUpAfterMs = 60_000;

export const pageReconnectPolicy: IRetryPolicy = {
  nextRetryDelayInMilliseconds(context: RetryContext): number | null {
    if (context.elapsedMilliseconds >= giveUpAfterMs || isSignInRefused(context.retryReason)) {
      return null;
    }
    return waits[Math.min(context.previousRetryCount, waits.length - 1)] ?? null;
  },
};
