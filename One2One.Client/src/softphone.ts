// The softphone: reacts to the person (PhoneActions) and to the server (ClientEvents), moves the
// state machine and owns the one MediaCall there can be. Everything runs on the page's single
// thread, but the awaits (camera, SDP, invocations) let server messages and clicks interleave, so
// every async step checks that its attempt is still the current one before it goes on.

import { MediaCall, openLocalMedia, rtcConfiguration } from "./call";
import { messageKind, outcomeText } from "./reasons";
import type {
  CallResponse,
  IceCandidateMessage,
  IceConfiguration,
  IncomingCall,
  RegisterResponse,
  SignalingConnection,
  StartCommunication,
  StopCommunication,
} from "./signaling";
import {
  canHandle,
  initialSnapshot,
  isCallPhase,
  type PhoneEvent,
  type PhoneSnapshot,
  type PhoneState,
  transition,
} from "./state";
import type { PhoneActions, PhoneView } from "./ui";

export class Softphone implements PhoneActions {
  private snapshot: PhoneSnapshot = initialSnapshot;
  private media: MediaCall | null = null;
  /** Bumped by every call attempt and every clean-up; an async step whose number is stale stops. */
  private attempt = 0;
  /** True once the server has (or is about to get) this side's offer, so it must be told about an ending. */
  private offerSent = false;
  /** The caller of an incoming call accepted here whose answer has not gone out yet (the camera is opening). */
  private unansweredCaller: string | null = null;
  /** The STUN/TURN servers from registering, replaced by fresher ones before each call. */
  private ice: IceConfiguration | null = null;

  constructor(
    private readonly server: SignalingConnection,
    private readonly view: PhoneView,
  ) {
    server.on("registerResponse", (response) => this.onRegisterResponse(response));
    server.on("callResponse", (response) => void this.onCallResponse(response));
    server.on("incomingCall", (call) => this.onIncomingCall(call));
    server.on("startCommunication", (communication) => void this.onStartCommunication(communication));
    server.on("stopCommunication", (communication) => this.onStopCommunication(communication));
    server.on("iceCandidate", (message) => void this.onIceCandidate(message));
    server.onClose(() => this.onConnectionClosed());
    view.bind(this);
    view.render(this.snapshot);
  }

  get state(): PhoneState {
    return this.snapshot.state;
  }

  get peerConnection(): RTCPeerConnection | null {
    return this.media?.peerConnection ?? null;
  }

  // ---- the person's actions ----

  register(name: string): void {
    this.view.clearMessage();
    if (!this.apply({ kind: "register", user: name })) {
      return;
    }
    void this.registerAsync(name);
  }

  call(peer: string): void {
    this.view.clearMessage();
    if (!this.apply({ kind: "dial", peer })) {
      return;
    }
    void this.placeCall(peer, ++this.attempt);
  }

  accept(): void {
    const from = this.snapshot.peer;
    this.view.clearMessage();
    if (from === null || !this.apply({ kind: "accept" })) {
      return;
    }
    this.unansweredCaller = from;
    void this.answerCall(from, ++this.attempt);
  }

  reject(): void {
    const from = this.snapshot.peer;
    this.view.clearMessage();
    if (from === null || this.snapshot.state !== "incoming" || !this.apply({ kind: "ended" })) {
      return;
    }
    this.server.incomingCallResponse(from, "reject", null).catch((error: unknown) => this.showError(error));
  }

  hangUp(): void {
    this.view.clearMessage();
    if (!this.apply({ kind: "hang-up" })) {
      return;
    }
    const serverKnows = this.offerSent;
    this.rejectUnanswered();
    this.releaseMedia();
    if (!serverKnows) {
      this.apply({ kind: "ended" });
      return;
    }
    this.server
      .stop()
      // The peer may have ended the call at the same moment; the call is over either way.
      .catch((error: unknown) => console.warn("Stop was refused", error))
      .finally(() => {
        // A stopCommunication may have ended the call already, and a new call may even be ringing.
        if (this.snapshot.state === "hanging-up") {
          this.apply({ kind: "ended" });
        }
      });
  }

  // ---- the steps of registering and of a call ----

  private async registerAsync(name: string): Promise<void> {
    try {
      await this.server.ensureConnected();
      await this.server.register(name);
    } catch (error) {
      if (this.apply({ kind: "registration-failed" })) {
        this.showError(error);
      }
    }
  }

  private placeCall(peer: string, attempt: number): Promise<void> {
    return this.sendOffer(attempt, (sdpOffer) => this.server.call(peer, sdpOffer));
  }

  private answerCall(from: string, attempt: number): Promise<void> {
    return this.sendOffer(attempt, (sdpOffer) => {
      this.unansweredCaller = null;
      return this.server.incomingCallResponse(from, "accept", sdpOffer);
    });
  }

  /**
   * Both sides of a call offer to the media server: open the camera, make the offer, hand it to `send`,
   * and start trickling candidates once the server has it.
   */
  private async sendOffer(attempt: number, send: (sdpOffer: string) => Promise<void>): Promise<void> {
    const media = await this.startMedia(attempt);
    if (media === null) {
      return;
    }
    try {
      const sdpOffer = await media.createOffer();
      if (attempt !== this.attempt) {
        return;
      }
      this.offerSent = true;
      await send(sdpOffer);
      if (attempt === this.attempt) {
        media.startTrickle();
      }
    } catch (error) {
      // A refused invocation means the server set nothing up: endCall() sends no Stop(). An accepted
      // incoming call whose offer failed is rejected, so the caller is not left ringing.
      if (attempt === this.attempt) {
        this.rejectUnanswered();
        this.endCall(errorText(error), "error");
      }
    }
  }

  /**
   * Opens the camera and creates the MediaCall, or returns null when that failed (the call is then
   * ended, and an incoming one rejected) or the attempt went stale meanwhile.
   */
  private async startMedia(attempt: number): Promise<MediaCall | null> {
    const ice = this.freshIceConfiguration();
    let stream: MediaStream;
    try {
      stream = await openLocalMedia();
    } catch (error) {
      if (attempt === this.attempt) {
        this.rejectUnanswered();
        this.endCall(errorText(error), "error");
      }
      return null;
    }
    const configuration = rtcConfiguration(await ice);
    if (attempt !== this.attempt) {
      // Hung up, cancelled or disconnected while the camera was opening.
      stopTracks(stream);
      return null;
    }
    const media = new MediaCall(stream, {
      localCandidate: (candidate) => {
        this.server.onIceCandidate(candidate).catch((error: unknown) => console.warn("OnIceCandidate was refused", error));
      },
      remoteStream: (remote) => this.view.showRemoteStream(remote),
      connectionStateChange: (state) => this.onMediaConnectionState(state),
    }, configuration);
    this.media = media;
    this.view.showLocalStream(stream);
    return media;
  }

  /**
   * Asks for a fresh TURN credential while the camera opens: the one from registering expires, and the page may have
   * been open for hours. Falls back to that one if the request fails; never rejects.
   */
  private async freshIceConfiguration(): Promise<IceConfiguration | null> {
    try {
      this.ice = await this.server.getIceServers();
    } catch (error) {
      console.warn("GetIceServers failed; using the ICE servers from registering", error);
    }
    return this.ice;
  }

  private onMediaConnectionState(state: RTCPeerConnectionState): void {
    if (state === "connected") {
      this.apply({ kind: "media-connected" });
    } else if (state === "failed" && isCallPhase(this.snapshot.state)) {
      this.abandonCall("The media connection failed; the call was ended.");
    }
  }

  // ---- the server's callbacks ----

  private onRegisterResponse(response: RegisterResponse): void {
    if (response.response === "accepted") {
      this.ice = response.iceServers
        ? { iceServers: response.iceServers, iceTransportPolicy: response.iceTransportPolicy ?? "all" }
        : null;
      this.apply({ kind: "registered" });
    } else if (this.apply({ kind: "registration-failed" })) {
      this.view.showMessage(outcomeText(response.message, response.reason, null, "Registration was refused."), "error");
    }
  }

  private async onCallResponse(response: CallResponse): Promise<void> {
    if (this.snapshot.state !== "calling") {
      return;
    }
    if (response.response !== "accepted") {
      // The server has dropped the call already: no Stop().
      this.endCall(outcomeText(response.message, response.reason, this.snapshot.peer, "The call was not accepted."), messageKind(response.reason));
      return;
    }
    if (!response.sdpAnswer) {
      this.abandonCall("The server accepted the call but sent no SDP answer.");
      return;
    }
    this.apply({ kind: "answered" });
    await this.applyAnswer(response.sdpAnswer);
  }

  private onIncomingCall(call: IncomingCall): void {
    if (!canHandle(this.snapshot, "ring")) {
      // Only a registered, idle phone can ring; the server normally says "busy" itself.
      this.server.incomingCallResponse(call.from, "reject", null).catch((error: unknown) => console.warn(error));
      return;
    }
    this.view.clearMessage();
    this.apply({ kind: "ring", from: call.from });
  }

  private async onStartCommunication(communication: StartCommunication): Promise<void> {
    if (this.snapshot.state !== "connecting") {
      return;
    }
    await this.applyAnswer(communication.sdpAnswer);
  }

  private onStopCommunication(communication: StopCommunication): void {
    if (!isCallPhase(this.snapshot.state)) {
      return;
    }
    // The server ended the call: it needs no Stop() from this side.
    this.endCall(outcomeText(communication.message, communication.reason, this.snapshot.peer, "The call ended."), messageKind(communication.reason));
  }

  private async onIceCandidate(message: IceCandidateMessage): Promise<void> {
    await this.media?.addRemoteCandidate(message.candidate);
  }

  private onConnectionClosed(): void {
    this.ice = null;
    this.releaseMedia();
    this.apply({ kind: "disconnected" });
    this.view.showMessage("The connection to the server was lost. Register again to make or take calls.", "error");
  }

  // ---- endings ----

  private async applyAnswer(sdpAnswer: string): Promise<void> {
    const media = this.media;
    if (media === null) {
      return;
    }
    try {
      await media.acceptAnswer(sdpAnswer);
    } catch (error) {
      if (this.media === media) {
        this.abandonCall(`The media server's answer could not be used: ${errorText(error)}`);
      }
    }
  }

  /** An incoming call accepted here ends before its answer went out: the server still waits for one. */
  private rejectUnanswered(): void {
    const caller = this.unansweredCaller;
    if (caller !== null) {
      this.unansweredCaller = null;
      this.server.incomingCallResponse(caller, "reject", null).catch((error: unknown) => console.warn("Rejecting the call failed", error));
    }
  }

  /** Ends the call from this side because of a fault: tells the server, shows why. */
  private abandonCall(reason: string): void {
    if (this.offerSent) {
      this.server.stop().catch((error: unknown) => console.warn("Stop was refused", error));
    }
    this.endCall(reason, "error");
  }

  /** Local clean-up of a call that is over, and back to registered; the server is not told. */
  private endCall(text: string, kind: "error" | "info"): void {
    this.releaseMedia();
    if (this.apply({ kind: "ended" })) {
      this.view.showMessage(text, kind);
    }
  }

  private releaseMedia(): void {
    this.attempt++;
    this.offerSent = false;
    this.unansweredCaller = null;
    this.media?.close();
    this.media = null;
    this.view.showLocalStream(null);
    this.view.showRemoteStream(null);
  }

  private apply(event: PhoneEvent): boolean {
    const next = transition(this.snapshot, event);
    if (next === undefined) {
      return false;
    }
    this.snapshot = next;
    this.view.render(next);
    return true;
  }

  private showError(error: unknown): void {
    this.view.showMessage(errorText(error), "error");
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) {
    track.stop();
  }
}
