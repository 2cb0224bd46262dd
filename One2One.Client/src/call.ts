// One call's WebRTC side: the local camera, the RTCPeerConnection to the media server and the ICE
// candidates travelling both ways. As in the Kurento one2one tutorial, each browser offers and the
// media server answers, so this side is always the offerer.

import type { IceCandidateInit, IceConfiguration } from "./contract.js";

/**
 * Whether an SDP answer refuses the offer's video (its m=video line has port 0, RFC 3264 §6): the media server takes none
 * of the video formats this browser offered (e.g. Safari with VP8 turned off, where the server relays VP8 only), so the
 * call goes on with sound only.
 */
export function refusesVideo(sdpAnswer: string): boolean {
  return /^m=video 0 /m.test(sdpAnswer);
}

/** getUserMedia failed; message is meant for the person. */
export class MediaAccessError extends Error {
  override readonly name = "MediaAccessError";
}

const mediaErrorMessages: Readonly<Record<string, string>> = {
  NotAllowedError: "Camera and microphone access was denied. Allow it in the browser to make or take calls.",
  SecurityError: "Camera and microphone access was denied. Allow it in the browser to make or take calls.",
  NotFoundError: "No camera or microphone was found. Connect one to make or take calls.",
  NotReadableError: "The camera or microphone is in use by another application, or could not be started.",
  OverconstrainedError: "The camera or microphone cannot provide the requested media.",
  AbortError: "Starting the camera or microphone was interrupted.",
};

/** Opens the camera and microphone (any, or the ones `constraints` name), or throws a MediaAccessError that says why not. */
export async function openLocalMedia(constraints: MediaStreamConstraints = { audio: true, video: true }): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    // Browsers hide mediaDevices outside secure contexts (plain http on anything but localhost).
    throw new MediaAccessError("This page cannot use the camera: open it over https (or on localhost).");
  }
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    const name = error instanceof DOMException ? error.name : "";
    const message = mediaErrorMessages[name] ?? `The camera or microphone could not be opened (${String(error)}).`;
    throw new MediaAccessError(message, { cause: error });
  }
}

export interface MediaCallEvents {
  /** A local candidate to trickle to the server; only after startTrickle(). */
  localCandidate(candidate: IceCandidateInit): void;
  remoteStream(stream: MediaStream): void;
  connectionStateChange(state: RTCPeerConnectionState): void;
}

/**
 * The RTCConfiguration for the server's ICE configuration, on top of the app's own `base`: the app's STUN/TURN servers
 * first, then the server's (neither replaces the other), and "relay" when either asks for it (an app that keeps its
 * address private stays relayed whatever the server says). Only the fields RTCIceServer knows are copied from the
 * server's: a STUN entry has no username or credential, and WebIDL would turn a null there into the string "null".
 */
export function rtcConfiguration(ice: IceConfiguration | null, base: RTCConfiguration = {}): RTCConfiguration {
  if (ice === null) {
    return base;
  }
  const serverIceServers = ice.iceServers.map((server): RTCIceServer => {
    const entry: RTCIceServer = { urls: [...server.urls] };
    if (server.username) {
      entry.username = server.username;
    }
    if (server.credential) {
      entry.credential = server.credential;
    }
    return entry;
  });
  const relay = base.iceTransportPolicy === "relay" || ice.iceTransportPolicy === "relay";
  return { ...base, iceServers: [...(base.iceServers ?? []), ...serverIceServers], iceTransportPolicy: relay ? "relay" : "all" };
}

/**
 * Remote candidates that arrive before the answer is applied wait here: addIceCandidate() rejects
 * with an InvalidStateError while there is no remote description (W3C WebRTC 1.0, addIceCandidate).
 */
class CandidateQueue {
  private pending: IceCandidateInit[] | null = [];

  /** True when the candidate was queued, false when the caller should apply it now. */
  hold(candidate: IceCandidateInit): boolean {
    if (this.pending === null) {
      return false;
    }
    this.pending.push(candidate);
    return true;
  }

  /** Stops queueing and hands back what was held, in arrival order. */
  release(): IceCandidateInit[] {
    const held = this.pending ?? [];
    this.pending = null;
    return held;
  }
}

export class MediaCall {
  private readonly pc: RTCPeerConnection;
  private readonly remoteCandidates = new CandidateQueue();
  // Local candidates are held until the offer has reached the server, which otherwise would not
  // know what call they belong to.
  private readonly localCandidates = new CandidateQueue();
  private remote: MediaStream | null = null;
  private closed = false;

  /** Takes ownership of localStream: close() stops its tracks. */
  constructor(
    readonly localStream: MediaStream,
    private readonly events: MediaCallEvents,
    configuration?: RTCConfiguration,
  ) {
    this.pc = new RTCPeerConnection(configuration);
    for (const track of localStream.getTracks()) {
      this.pc.addTrack(track, localStream);
    }
    this.pc.onicecandidate = (event) => this.onLocalCandidate(event.candidate);
    this.pc.ontrack = (event) => this.onTrack(event);
    this.pc.onconnectionstatechange = () => {
      if (!this.closed) {
        this.events.connectionStateChange(this.pc.connectionState);
      }
    };
  }

  get peerConnection(): RTCPeerConnection {
    return this.pc;
  }

  /** Creates the offer and applies it locally; returns the SDP to send to the server. */
  async createOffer(): Promise<string> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const sdp = this.pc.localDescription?.sdp ?? offer.sdp;
    if (!sdp) {
      throw new Error("The browser produced an empty SDP offer.");
    }
    return sdp;
  }

  /** The offer is at the server: send the local candidates gathered so far and those still to come. */
  startTrickle(): void {
    for (const candidate of this.localCandidates.release()) {
      this.events.localCandidate(candidate);
    }
  }

  /** Applies the media server's answer, then the remote candidates that arrived before it. */
  async acceptAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp });
    for (const candidate of this.remoteCandidates.release()) {
      await this.applyRemoteCandidate(candidate);
    }
  }

  async addRemoteCandidate(candidate: IceCandidateInit): Promise<void> {
    if (this.closed || this.remoteCandidates.hold(candidate)) {
      return;
    }
    await this.applyRemoteCandidate(candidate);
  }

  /** Ends the call's media: closes the connection and, unless the stream moves to a new connection, stops the camera and microphone. */
  close(stopTracks = true): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    if (!stopTracks) {
      return;
    }
    for (const track of this.localStream.getTracks()) {
      track.stop();
    }
  }

  private onLocalCandidate(candidate: RTCIceCandidate | null): void {
    // null (and an empty candidate string, in some browsers) marks the end of gathering.
    if (this.closed || candidate === null || candidate.candidate === "") {
      return;
    }
    const init: IceCandidateInit = {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid,
      sdpMLineIndex: candidate.sdpMLineIndex,
    };
    if (!this.localCandidates.hold(init)) {
      this.events.localCandidate(init);
    }
  }

  private onTrack(event: RTCTrackEvent): void {
    const stream = event.streams[0];
    if (stream) {
      this.remote = stream;
    } else {
      // A track without an a=msid stream: gather the tracks in a stream of our own.
      this.remote ??= new MediaStream();
      this.remote.addTrack(event.track);
    }
    this.events.remoteStream(this.remote);
  }

  private async applyRemoteCandidate(candidate: IceCandidateInit): Promise<void> {
    if (this.closed) {
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // One bad candidate does not doom the call: others may still connect.
      console.warn("Ignoring a remote ICE candidate the browser refused", candidate, error);
    }
  }
}
