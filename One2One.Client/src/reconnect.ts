// Media reconnect during a call: when this page's ICE connection is "disconnected" for 2 s or "failed" (a new network,
// a NAT binding gone), the call's media moves to a new RTCPeerConnection on the same camera, offered to the server with
// Renegotiate and answered with Renegotiated; attempts repeat until the path is back or the server ends the call
// (Calls:MediaReconnectWindow, reason ice-failed). The peer's page hears PeerReconnecting/PeerReconnected meanwhile.
// A new connection rather than an ICE restart on the old one: on KMS a WebRtcEndpoint negotiates once, so the server
// answers with a new endpoint, whose DTLS is new too; an ICE restart keeps the old DTLS session (RFC 8842 §4). The
// embedded media server takes the new connection's offer on the same endpoint (an ICE restart with a new handshake).

import type { MediaCall } from "./call.js";

/** How long "disconnected" may last before the path counts as lost; shorter blips recover by themselves (RFC 7675 consent). */
export const disconnectedGraceMs = 2000;

/** How long an attempt may take to connect before the next one starts. */
export const attemptTimeoutMs = 5000;

/** Who in the call is without a media path right now. */
export interface ReconnectState {
  /** This page's connection is being replaced. */
  readonly self: boolean;
  /** The peer's page is reconnecting (the server said so). */
  readonly peer: boolean;
}

/** What the reconnect needs from the softphone that owns the call. */
export interface ReconnectHost {
  /** Closes the call's connection (keeping the camera) and returns a new one on the same stream; null when the call is over. */
  replaceMedia(): MediaCall | null;
  /** Sends the new connection's offer (hub method Renegotiate). */
  renegotiate(sdpOffer: string): Promise<void>;
  changed(state: ReconnectState): void;
  /** An offer has had no reply for a whole attempt: the signaling connection itself is probably dead. */
  signalingStale(): void;
}

/**
 * One call's reconnects. Runs on the page's one thread; every async step checks that its attempt is still the current
 * one, and stop() (the call is over) makes every pending step a no-op.
 */
export class MediaReconnect {
  private state: ReconnectState;
  private media: MediaCall | null = null;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;
  private attemptTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by each attempt and by stop(). */
  private attempt = 0;
  /** Offers sent whose answers have not come: only the answer to the last one belongs to the current connection. */
  private unanswered = 0;
  /** A Renegotiate invocation has not completed (the server has not even acknowledged it). */
  private invoking = false;
  private stopped = false;

  /** `peerAway`: the server said the peer is reconnecting before this call's media connected (see Softphone). */
  constructor(
    private readonly host: ReconnectHost,
    peerAway = false,
  ) {
    this.state = { self: false, peer: peerAway };
  }

  get current(): ReconnectState {
    return this.state;
  }

  /** Watches the call's connection once it carries media. */
  watch(media: MediaCall): void {
    if (this.stopped) {
      return;
    }
    this.media = media;
    const pc = media.peerConnection;
    pc.addEventListener("iceconnectionstatechange", () => {
      if (this.media === media) {
        this.onIceState(pc.iceConnectionState);
      }
    });
  }

  /** The server's answer to one of our offers. */
  async onRenegotiated(sdpAnswer: string): Promise<void> {
    this.unanswered = Math.max(0, this.unanswered - 1);
    const media = this.media;
    if (this.stopped || media === null || this.unanswered > 0) {
      return;
    }
    try {
      await media.acceptAnswer(sdpAnswer);
    } catch (error) {
      console.warn("The media server's new answer could not be used; trying again", error);
    }
  }

  onPeerReconnecting(): void {
    this.set({ ...this.state, peer: true });
  }

  onPeerReconnected(): void {
    this.set({ ...this.state, peer: false });
  }

  /** The call is over: no more attempts, nothing shown. */
  stop(): void {
    this.stopped = true;
    this.attempt++;
    this.media = null;
    this.clearTimers();
    this.set({ self: false, peer: false });
  }

  private onIceState(state: RTCIceConnectionState): void {
    switch (state) {
      case "connected":
      case "completed":
        this.clearTimers();
        this.set({ ...this.state, self: false });
        break;
      case "disconnected":
        this.graceTimer ??= setTimeout(() => {
          this.graceTimer = null;
          this.reconnect();
        }, disconnectedGraceMs);
        break;
      case "failed":
        this.reconnect();
        break;
      default:
        break;
    }
  }

  /** Moves the call to a new connection and offers it; the next attempt starts if it has not connected in time. */
  private reconnect(): void {
    if (this.stopped) {
      return;
    }
    this.clearTimers();
    this.set({ ...this.state, self: true });
    const attempt = ++this.attempt;
    this.attemptTimer = setTimeout(() => {
      this.attemptTimer = null;
      if (attempt !== this.attempt) {
        return;
      }
      if (this.invoking) {
        this.host.signalingStale();
        return;
      }
      this.reconnect();
    }, attemptTimeoutMs);
    const media = this.host.replaceMedia();
    if (media === null) {
      this.stop();
      return;
    }
    this.media = null;
    this.watch(media);
    void this.offer(media, attempt);
  }

  private async offer(media: MediaCall, attempt: number): Promise<void> {
    let sent = false;
    try {
      const sdpOffer = await media.createOffer();
      if (attempt !== this.attempt) {
        return;
      }
      this.unanswered++;
      sent = true;
      this.invoking = true;
      try {
        await this.host.renegotiate(sdpOffer);
      } finally {
        this.invoking = false;
      }
      if (attempt === this.attempt) {
        media.startTrickle();
      }
    } catch (error) {
      if (sent) {
        // Refused or never delivered: no answer will come for it.
        this.unanswered = Math.max(0, this.unanswered - 1);
      }
      // The server may be out of reach too (the network changed under the signaling connection): the next attempt retries.
      console.warn("Renegotiate failed; the next attempt retries", error);
    }
  }

  private clearTimers(): void {
    if (this.graceTimer !== null) {
      clearTimeout(this.graceTimer);
      this.graceTimer = null;
    }
    if (this.attemptTimer !== null) {
      clearTimeout(this.attemptTimer);
      this.attemptTimer = null;
    }
  }

  private set(state: ReconnectState): void {
    if (state.self === this.state.self && state.peer === this.state.peer) {
      return;
    }
    this.state = state;
    this.host.changed(state);
  }
}
