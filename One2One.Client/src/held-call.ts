// A call's media through an outage of the signaling connection. The media server never depended on that connection, so
// the call's RTCPeerConnection is held, still carrying the call, while the page comes back; once the resume finds the
// call, the page offers a new connection on the same camera, and the held one goes on playing until the new one
// connects (make before break: after a network change the held connection is dead without knowing it yet, after a
// server died it still carries the call). The Softphone decides when; this keeps what is held and hands it over.

import type { MediaCall } from "./call.js";
import { samePerson } from "./names.js";

export class HeldCall {
  private held: { readonly media: MediaCall; readonly peer: string } | null = null;
  private handingOver: MediaCall | null = null;
  /** The new connection's remote stream, shown once it connects (until then the handed-over one's plays). */
  private newRemote: MediaStream | null = null;

  /** Media held while the signaling connection comes back. */
  get isHeld(): boolean {
    return this.held !== null;
  }

  /** The connection a resumed call is being handed over from, until its new one connects. */
  get handover(): MediaCall | null {
    return this.handingOver;
  }

  /**
   * The connections sending this page's media: the held one, or the one being handed over from (a held call becomes
   * the handover when resumed, never both).
   */
  get connections(): MediaCall[] {
    return [this.held?.media ?? null, this.handingOver].filter((media) => media !== null);
  }

  /** Whether `stream` is the camera of the held media or of the one being handed over from. */
  owns(stream: MediaStream): boolean {
    return stream === this.held?.media.localStream || stream === this.handingOver?.localStream;
  }

  /** Keeps `media`, the call with `peer`, running while the signaling connection is gone. */
  hold(media: MediaCall, peer: string): void {
    this.held = { media, peer };
  }

  /**
   * A resumed call with `peer` starts its new connection: the held media, if it is that call's, is handed over from
   * (returned, for its camera); held media of another call is closed. Null when nothing of that call is held.
   */
  beginHandover(peer: string): MediaCall | null {
    const held = this.held;
    this.held = null;
    // The server names the peer as registered; the page may hold it as it was typed ("Bob", "ｂｏｂ").
    const same = held !== null && samePerson(held.peer, peer);
    if (held !== null && !same) {
      held.media.close();
    }
    this.handingOver = same ? held.media : null;
    this.newRemote = null;
    return this.handingOver;
  }

  /** The new connection's remote stream: kept for later while a handover is under way (true), else to be shown now. */
  deferRemote(stream: MediaStream): boolean {
    if (this.handingOver === null) {
      return false;
    }
    this.newRemote = stream;
    return true;
  }

  /** The new connection connected: the one handed over from closes, its tracks going on there; the remote stream to show now. */
  completeHandover(): MediaStream | null {
    const remote = this.newRemote;
    this.endHandover(false);
    return remote;
  }

  /**
   * The signaling connection dropped again while the new connection connects: the one handed over from, which still
   * carries the call, is held again (the camera stays with it). False when no handover is under way.
   */
  holdHandover(peer: string): boolean {
    const media = this.handingOver;
    if (media === null) {
      return false;
    }
    this.handingOver = null;
    this.newRemote = null;
    this.held = { media, peer };
    return true;
  }

  /** The handover is over without the new connection (the call ended): the one handed over from closes. */
  endHandover(stopTracks: boolean): void {
    const media = this.handingOver;
    this.handingOver = null;
    this.newRemote = null;
    media?.close(stopTracks);
  }

  /** The held media is over (the call ended while the page was away): closed, its tracks stopped; false when none was held. */
  drop(): boolean {
    const held = this.held;
    this.held = null;
    held?.media.close();
    return held !== null;
  }
}
