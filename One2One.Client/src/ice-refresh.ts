// When a call's TURN credentials need renewing. The server mints time-limited ones (the "TURN REST API",
// draft-uberti-behave-turn-rest-00 §2.2: the user name is "<unix expiry in seconds>:<name>"), an hour by default
// (Ice:Turn:CredentialLifetime), and a TURN server refuses an allocation whose user name has expired. A call outlives
// them: a media reconnect an hour in (a new network, a reload) makes a new RTCPeerConnection whose allocations would be
// refused, and behind a firewall that lets only TURN through the call could not come back. So the softphone asks for
// fresh ones before they expire, for as long as the call lasts.

import type { IceConfiguration } from "./contract.js";

/** The shortest wait between two requests for ICE servers (a credential already stale, a request that failed). */
export const minimumRefreshMs = 30_000;

/**
 * The longest: the expiry is the server's clock and the wait this page's, so a page whose clock is behind would renew
 * late by as much. Credentials never older than this stay valid however wrong the page's clock is, for any
 * Turn:CredentialLifetime longer than this (one request per call every 10 minutes is nothing for the server).
 */
export const maximumRefreshMs = 10 * 60_000;

/** The earliest expiry (milliseconds since the epoch) of the configuration's TURN REST credentials; null when none expires. */
export function credentialExpiry(ice: IceConfiguration | null): number | null {
  let earliest: number | null = null;
  for (const server of ice?.iceServers ?? []) {
    const match = /^(\d{1,12}):/.exec(server.username ?? "");
    if (match !== null && server.credential) {
      const expiry = Number(match[1]) * 1000;
      earliest = earliest === null ? expiry : Math.min(earliest, expiry);
    }
  }
  return earliest;
}

/**
 * Whether a TURN REST credential of the configuration has expired by `now` (this page's clock): a TURN server would
 * refuse its allocations. False when none expires.
 */
export function credentialExpired(ice: IceConfiguration | null, now: number): boolean {
  const expiry = credentialExpiry(ice);
  return expiry !== null && expiry <= now;
}

/**
 * How long to wait before asking for fresh credentials: four fifths of the earliest credential's remaining life (the
 * last fifth is room for a refused or slow request to be tried again), between `minimumRefreshMs` and
 * `maximumRefreshMs`; null when nothing expires.
 */
export function refreshDelayMs(ice: IceConfiguration | null, now: number): number | null {
  const expiry = credentialExpiry(ice);
  if (expiry === null) {
    return null;
  }
  return Math.min(maximumRefreshMs, Math.max(minimumRefreshMs, ((expiry - now) * 4) / 5));
}

/**
 * Runs `refresh` (which fetches and keeps a fresh configuration, resolving with it, or rejects) whenever the current
 * configuration's credentials are due, until stop(). The timer does not keep a Node process alive (an SDK user's
 * program may end with a call in progress); a browser has no such notion.
 */
export class IceRefresh {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by start() and stop(): a renewal under way when either is called schedules nothing. */
  private generation = 0;

  constructor(private readonly refresh: () => Promise<IceConfiguration | null>) {}

  /** Schedules the renewal of `ice`'s credentials (replacing any scheduled one). */
  start(ice: IceConfiguration | null): void {
    this.clear();
    this.schedule(refreshDelayMs(ice, Date.now()), ++this.generation);
  }

  stop(): void {
    this.generation++;
    this.clear();
  }

  private schedule(delay: number | null, generation: number): void {
    if (delay === null) {
      return;
    }
    const timer = setTimeout(() => void this.renew(generation), delay);
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }

  private async renew(generation: number): Promise<void> {
    this.timer = null;
    let next: number | null = minimumRefreshMs;
    try {
      const fresh = await this.refresh();
      next = refreshDelayMs(fresh, Date.now());
    } catch (error) {
      // The signaling connection may be down for a moment: asked again shortly (the credentials may still be valid).
      console.warn("Renewing the TURN credentials failed; trying again", error);
    }
    if (generation === this.generation) {
      this.schedule(next, generation);
    }
  }

  private clear(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
