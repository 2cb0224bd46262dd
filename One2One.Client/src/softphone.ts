// The softphone: one person's phone on a One2OneClient. It reacts to the app (register, call, accept, reject,
// hang up) and to the server, moves the state machine and owns the one MediaCall there can be; it reports
// through typed events (state, notices for the person, streams, media state), so any UI can be put on it.
// Everything runs on one thread, but the awaits (camera, SDP, invocations) let server messages and app calls
// interleave, so every async step checks that its attempt is still the current one before it goes on.

import { MediaCall, openLocalMedia, refusesVideo, rtcConfiguration } from "./call.js";
import type { CallResponse, IceCandidate, IceConfiguration, IncomingCall, StartCommunication, StopCommunication } from "./contract.js";
import { Emitter, Subscriptions } from "./emitter.js";
import { ConnectionError, errorText, RefusedError, RejectedError } from "./errors.js";
import { HeldCall } from "./held-call.js";
import { credentialExpired, IceRefresh } from "./ice-refresh.js";
import { inSentence } from "./names.js";
import { type MessageKind, messageKind, outcomeText } from "./reasons.js";
import { MediaReconnect, type ReconnectState } from "./reconnect.js";
import type { One2OneClient, One2OneClientEvents } from "./signaling.js";
import {
  canHandle,
  initialSnapshot,
  isCallPhase,
  type PhoneEvent,
  type PhoneSnapshot,
  type PhoneState,
  transition,
} from "./state.js";

/** Something to tell the person: why a call ended or what was refused. */
export interface Notice {
  readonly text: string;
  readonly kind: MessageKind;
  /** "name": the notice is about the name the person asked to register (taken, invalid, not allowed), which a page marks. */
  readonly about?: "name";
}

/** Whether this side sends its microphone and camera (a muted track still flows, as silence or black). */
export interface MediaState {
  readonly audio: boolean;
  readonly video: boolean;
}

export interface SoftphoneEvents {
  stateChange(snapshot: PhoneSnapshot): void;
  notice(notice: Notice): void;
  localStream(stream: MediaStream | null): void;
  remoteStream(stream: MediaStream | null): void;
  mediaStateChange(state: MediaState): void;
  /** This page or the peer's is reconnecting its media during the call (see reconnect.ts). */
  reconnectChange(state: ReconnectState): void;
  /** The server issued a new resume token (each registration and resume); keep it to resume() after a reload. */
  resumeToken(token: string): void;
}

export interface SoftphoneOptions {
  /** Opens the camera and microphone; getUserMedia({ audio: true, video: true }) by default. */
  readonly openMedia?: () => Promise<MediaStream>;
  /**
   * The configuration of each call's RTCPeerConnection (e.g. iceServers). The server's STUN/TURN servers (from
   * registering, refreshed before and during each call) are added after this `iceServers`, never in place of it; and
   * `iceTransportPolicy: "relay"` stays relay whatever the server says (the server's "relay" applies too).
   */
  readonly rtcConfiguration?: RTCConfiguration;
  /**
   * Opens the camera and microphone as soon as an incoming call rings, and makes the call's RTCPeerConnection and its
   * offer on them, so that accepting only has to send the offer (the camera is the slowest step of answering, the
   * connection and offer the next). Nothing is shown or sent before the call is accepted, and the camera and connection
   * are closed again if it is not; the browser's camera indicator does show while it rings. Default true.
   */
  readonly openMediaWhileRinging?: boolean;
  /**
   * How long to wait before each new resume while the server answers "unavailable" or cannot be reached at all: the
   * server that held this page's registration cannot be reached (an app node dying), and once the cluster declares it
   * dead another node takes its calls over and holds this page's place; or this page is offline for a moment (the held
   * call's media waits, and the server holds the call for its reconnect window). A resumed call's new offer refused as
   * "unavailable" (its call still moving to another node) is sent again on the same delays. By default 2, 3, 5, 8, 10, 10, 10, 12, 15 and 15 s: a minute and a half,
   * about how long a cluster takes with Orleans' default settings to declare a node dead, plus the server's reconnect
   * window (20 s) in which it answers so while the take-over may be under way, in few enough tries for the server's
   * limit on registrations. After the last, the page registers its name afresh. While no server can be reached at all
   * (this page offline: a train's tunnel, a laptop's lid closed), it goes on asking at the last delay for as long as
   * that lasts, so it comes back by itself, with its call if the server still holds it (Calls:ReconnectWindow may be
   * minutes), rather than showing an error; signing out stops it.
   */
  readonly resumeRetryDelaysMs?: readonly number[];
}

const defaultResumeRetryDelaysMs: readonly number[] = [2000, 3000, 5000, 8000, 10000, 10000, 10000, 12000, 15000, 15000];

/** What the person is told when the media server took none of this browser's video formats. */
const noVideoText = "This call has no video: the server cannot relay this browser's video format. You can still hear each other.";

/** What the person is told when the page has not reached any server for the whole of resumeRetryDelaysMs. */
const stillOfflineText = "The server cannot be reached. This page keeps trying and comes back by itself; sign out to stop.";

/** The least wait between two resume tries past resumeRetryDelaysMs, however short the app made its last delay. */
const minimumRepeatedDelayMs = 1000;

/** What the person is told when a call goes out on a TURN credential that has expired (freshIceConfiguration). */
const staleRelayText = "The relay (TURN) servers could not be refreshed, and the ones from registering have expired: the call may not connect.";

/**
 * A registration to take back on a new connection. inCall: the call's media is held through the outage; hadCall: a call
 * was up or being set up, so an end the resume finds is told (a call being set up ends on the server with the connection).
 */
interface PendingResume {
  readonly user: string;
  readonly token: string;
  readonly inCall: boolean;
  readonly hadCall: boolean;
}

export class Softphone {
  private snapshot: PhoneSnapshot = initialSnapshot;
  private media: MediaCall | null = null;
  /** Bumped by every call attempt and every clean-up; an async step whose number is stale stops. */
  private attempt = 0;
  /**
   * True once the server has (or is about to get) this side's offer, or holds the call anyway (a resumed call before its
   * new offer), so it must be told about an ending.
   */
  private offerSent = false;
  /** The caller of an incoming call accepted here whose answer has not gone out yet (the camera is opening). */
  private unansweredCaller: string | null = null;
  /** The incoming call ringing now, with its camera, fresh ICE servers and offer on the way (openMediaWhileRinging); taken by accept(). */
  private ringing: Prepared | null = null;
  /**
   * Closes the camera opened (or the connection prepared while ringing) for the current attempt while it waits to become
   * the call's media (for the ICE servers, for the prepared offer): releaseMedia() runs it, so a hang-up meanwhile turns
   * the camera off at once rather than when that wait ends (never, on a half-open connection). See holdOpening().
   */
  private opening: (() => void) | null = null;
  private mediaSettings: MediaState = { audio: true, video: true };
  private readonly events = new Emitter<SoftphoneEvents>();
  private readonly server: One2OneClient["hub"];
  /** The STUN/TURN servers from registering, replaced by fresher ones before each call and during one (iceRefresh). */
  private ice: IceConfiguration | null = null;
  /** The current call's reconnects, from the moment it carries media until it ends. */
  private reconnect: MediaReconnect | null = null;
  /** Renews the TURN credentials in `ice` while a call is connected (a reconnect an hour in needs valid ones). */
  private readonly iceRefresh = new IceRefresh(() => this.renewIce());
  /** The token from the last accepted registration, for resume() after the connection closed. */
  private token: string | null = null;
  /** The name as the last accepted registration registered it (null from a server that does not say). */
  private registeredAs: string | null = null;
  /** The call's media held while the signaling connection is gone, then handed over to the resumed call's new connection. */
  private readonly heldCall = new HeldCall();
  /**
   * The registration to resume, from the connection's loss until its resume settles: resumed once SignalR's automatic
   * reconnect has a new connection ("reconnected"), and again if the connection drops while a resume is on its way or
   * waiting to ask again, rather than given up with the held call.
   */
  private pendingResume: PendingResume | null = null;
  /**
   * A ring that came while this phone's registration was on its way (the server sends its RegisterResponse, and may then
   * route a call here, before the registration's invocation completes): it rings once the phone is registered.
   */
  private ringWhileRegistering: IncomingCall | null = null;
  /** Bumped by each loss of the connection, registration, resume and sign-out: a resume (or its retry) of an older one stops. */
  private resumeGeneration = 0;
  /** The resumeGeneration the last sign-out made: a registration of an older one that the server accepts is given back. */
  private signedOutGeneration = -1;
  /**
   * This side ended the call and the server may not know: its Stop went out on a connection that may have been dead
   * (half-open), or the call was hung up while there was no connection. A resume that finds the call still held by the
   * server ends it instead of bringing the person who hung up back into it.
   */
  private stopPending = false;
  /** Whether the page was last told that this side or the peer is reconnecting. */
  private shownReconnect: ReconnectState = { self: false, peer: false };
  /**
   * The server said the peer is reconnecting while this call's media had not connected yet (a call just accepted, or a
   * resumed one connecting again): there is no MediaReconnect to tell, so it is kept for the one that starts.
   */
  private peerAway = false;
  /** When the current call first connected (Date.now()); kept while the call resumes, dropped by the next call. */
  private connectedAt: number | null = null;
  /** This phone's listeners on its client, taken off by dispose(). */
  private readonly fromClient: Subscriptions<One2OneClientEvents>;
  /** dispose() was called: the phone does nothing more. */
  private disposed = false;

  constructor(
    private readonly client: One2OneClient,
    private readonly options: SoftphoneOptions = {},
  ) {
    this.server = client.hub;
    this.fromClient = new Subscriptions<One2OneClientEvents>(client);
    this.fromClient.on("callResponse", (response) => void this.onCallResponse(response));
    this.fromClient.on("incomingCall", (call) => this.onIncomingCall(call));
    this.fromClient.on("startCommunication", (communication) => void this.onStartCommunication(communication));
    this.fromClient.on("stopCommunication", (communication) => this.onStopCommunication(communication));
    this.fromClient.on("iceCandidate", (message) => void this.onIceCandidate(message));
    this.fromClient.on("registerResponse", (response) => {
      if (response.response === "accepted") {
        this.registeredAs = response.name ?? null;
      }
      if (response.response === "accepted" && response.resumeToken) {
        this.token = response.resumeToken;
        if (this.pendingResume !== null) {
          // The resume was accepted (its answer may yet be lost with the connection): its token is spent, and a resume
          // after a drop must use the new one.
          this.pendingResume = { ...this.pendingResume, token: response.resumeToken };
        }
        this.events.emit("resumeToken", response.resumeToken);
      }
    });
    this.fromClient.on("renegotiated", (message) => void this.onRenegotiated(message.sdpAnswer));
    this.fromClient.on("peerReconnecting", () => this.onPeerAway(true));
    this.fromClient.on("peerReconnected", () => this.onPeerAway(false));
    this.fromClient.on("close", (error, requested) => {
      const refusal = requested ? null : refusalOf(error);
      if (refusal !== null) {
        // The server closed the connection as it opened, for a limit (too many connections from this network address):
        // one opened again at once would be refused again, in a loop. The person decides when to register again.
        this.onConnectionClosed("left");
        this.events.emit("notice", { text: `The server refused the connection: ${refusal}`, kind: "error" });
        return;
      }
      this.onConnectionClosed(requested ? "left" : "lost");
    });
    this.fromClient.on("reconnecting", () => this.onConnectionClosed("reconnecting"));
    this.fromClient.on("reconnected", () => this.onReconnected());
  }

  get state(): PhoneState {
    return this.snapshot.state;
  }

  get current(): PhoneSnapshot {
    return this.snapshot;
  }

  /**
   * When the call first connected, as Date.now(), while it is connecting again or connected: a call that resumes (a lost
   * connection, or a reload that passed it to resume()) keeps the moment it first connected, so its duration goes on.
   * Null outside a call, and while a call that never connected is being set up.
   */
  get callConnectedAt(): number | null {
    const { state } = this.snapshot;
    return state === "connecting" || state === "in-call" ? this.connectedAt : null;
  }

  /** The current call's connection to the media server, for getStats() and the like; null outside a call. */
  get peerConnection(): RTCPeerConnection | null {
    return this.media?.peerConnection ?? null;
  }

  /**
   * Every connection sending this page's camera and microphone now: the call's, and while the signaling connection comes
   * back the held one (or, once resumed, the one being handed over from). A device switch puts its new track on all of them.
   */
  get peerConnections(): readonly RTCPeerConnection[] {
    return [this.media, ...this.heldCall.connections].flatMap((media) => (media ? [media.peerConnection] : []));
  }

  get mediaState(): MediaState {
    return this.mediaSettings;
  }

  on<K extends keyof SoftphoneEvents>(event: K, listener: SoftphoneEvents[K]): void {
    this.events.on(event, listener);
  }

  off<K extends keyof SoftphoneEvents>(event: K, listener: SoftphoneEvents[K]): void {
    this.events.off(event, listener);
  }

  /** The current call's statistics (RTCPeerConnection.getStats()), or null outside a call. */
  async getStats(): Promise<RTCStatsReport | null> {
    return (await this.media?.peerConnection.getStats()) ?? null;
  }

  /** Sends or silences the microphone, in this call and the next ones. */
  setMicrophoneEnabled(enabled: boolean): void {
    this.setMediaState({ ...this.mediaSettings, audio: enabled });
  }

  /** Sends the camera's picture or black, in this call and the next ones. */
  setCameraEnabled(enabled: boolean): void {
    this.setMediaState({ ...this.mediaSettings, video: enabled });
  }

  // ---- the app's actions; each is ignored when it makes no sense in the current state ----

  register(name: string): void {
    if (!this.apply({ kind: "register", user: name })) {
      return;
    }
    this.resumeGeneration++;
    void this.registerAsync(name);
  }

  /**
   * Registers `name` again with the resume token of this page's previous connection (a reload, a lost connection): if
   * the server kept the call going, the call continues on a new connection to the media server without calling again.
   * A token the server no longer knows (its reconnect window closed, it restarted) falls back to registering `name`;
   * `wasInCall` says whether to tell the person their call could not be kept; `hangingUp` that the page was hanging up
   * when it went away (see hangUpPending), so a call the server still holds is ended rather than resumed.
   */
  resume(name: string, resumeToken: string, wasInCall = false, hangingUp = false, callConnectedAt: number | null = null): void {
    if (!this.apply({ kind: "register", user: name })) {
      return;
    }
    this.connectedAt = callConnectedAt;
    this.stopPending ||= hangingUp;
    this.startResume({ user: name, token: resumeToken, inCall: wasInCall, hadCall: wasInCall });
  }

  private startResume(resumable: PendingResume): void {
    this.pendingResume = resumable;
    void this.resumeAsync(resumable.user, resumable.token, resumable.hadCall, ++this.resumeGeneration);
  }

  call(peer: string): void {
    if (!this.apply({ kind: "dial", peer })) {
      return;
    }
    void this.placeCall(peer, ++this.attempt);
  }

  accept(): void {
    const from = this.snapshot.peer;
    // This call takes the camera opened while it rang; held out of apply()'s clean-up of a ringing camera.
    const ringing = this.ringing;
    this.ringing = null;
    if (from === null || !this.apply({ kind: "accept" })) {
      this.ringing = ringing;
      return;
    }
    const prepared = ringing?.from === from ? ringing : null;
    if (prepared === null) {
      closeRingingStream(ringing);
    }
    this.unansweredCaller = from;
    void this.answerCall(from, ++this.attempt, prepared);
  }

  reject(): void {
    const from = this.snapshot.peer;
    if (from === null || this.snapshot.state !== "incoming" || !this.apply({ kind: "ended" })) {
      return;
    }
    this.server.incomingCallResponse(from, "reject", null).catch((error: unknown) => {
      // A call that stopped ringing just before (the caller cancelled, it rang out) is gone, as the person wanted.
      if (!isRingGone(error)) {
        this.showError(error);
      }
    });
  }

  hangUp(): void {
    if (this.snapshot.state === "registering" && this.heldCall.isHeld) {
      // The call's media is held while the connection comes back: it ends here, and the resume tells the server.
      this.dropHeld();
      this.stopPending = true;
      return;
    }
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
    void this.sendStop().then(() => {
      // A stopCommunication may have ended the call already, and a new call may even be ringing.
      if (this.snapshot.state === "hanging-up") {
        this.apply({ kind: "ended" });
      }
    });
  }

  /**
   * The resume under way (after a reload, or a lost connection) until it settles: its token, unspent until the server
   * accepts the resume (then the one it gave), whether a call was up or being set up, and when that call first
   * connected. A page reloaded meanwhile resumes with these (resume-storage): no resumeToken event brought the token
   * yet, and callConnectedAt is null while registering. Null when no resume is under way.
   */
  get resuming(): { readonly token: string; readonly inCall: boolean; readonly connectedAt: number | null } | null {
    const pending = this.pendingResume;
    return pending === null ? null : { token: pending.token, inCall: pending.hadCall, connectedAt: pending.hadCall ? this.connectedAt : null };
  }

  /** True from a hang-up until the server has answered its Stop (see stopPending); kept across a reload by resume-storage. */
  get hangUpPending(): boolean {
    return this.stopPending;
  }

  /**
   * Signs out: any call ends (the peer hears a hang-up; a ring is cancelled or declined), and the server frees the name
   * at once (hub method Unregister) rather than holding it for a resume. The connection stays open for the next
   * registration. While registering, a call held through a lost connection stops at once and nothing is resumed; a
   * registration or resume still on its way is given back once accepted, and one the server holds for the lost
   * connection (which cannot be told) is freed when its reconnect window closes.
   */
  unregister(): void {
    const registering = this.snapshot.state === "registering";
    if (!this.apply({ kind: "unregistered" })) {
      return;
    }
    this.rejectUnanswered();
    this.releaseMedia();
    this.dropHeld();
    this.token = null;
    this.pendingResume = null;
    this.signedOutGeneration = ++this.resumeGeneration;
    this.stopPending = false;
    this.ice = null;
    this.server.unregister().catch((error: unknown) => {
      // While registering, the connection may be coming back or not up yet: nothing the person can act on.
      if (!(registering && error instanceof ConnectionError)) {
        this.showError(error);
      }
    });
  }

  /**
   * Puts the phone away for good (the app's phone component is unmounted, say): signs out as unregister() does (a call
   * ends as a hang-up, a ring is declined, the name is freed; a registration still on its way is given back), turns the
   * camera and microphone off, drops a call held through a lost connection, and stops listening to the client, so that
   * a new Softphone can take the client over. The client stays connected. The app's actions do nothing afterwards.
   */
  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.unregister();
    this.disposed = true;
    this.fromClient.dispose();
  }

  // ---- the steps of registering and of a call ----

  /** True once registered. */
  private async registerAsync(name: string): Promise<boolean> {
    const generation = this.resumeGeneration;
    try {
      const ice = await this.client.register(name);
      if (generation !== this.resumeGeneration) {
        this.giveBackIfSignedOut();
        return false;
      }
      this.ice = ice;
      // A fresh registration has no call on the server to stop.
      this.stopPending = false;
      return this.apply({ kind: "registered", user: this.registeredAs });
    } catch (error) {
      if (generation !== this.resumeGeneration) {
        // Lost with a connection this phone has heard go (it says so itself), or the person signed out or registered
        // again meanwhile: not this registration's failure to show.
        return false;
      }
      if (this.apply({ kind: "registration-failed" })) {
        this.events.emit("notice", { text: registrationText(error), kind: "error", ...aboutTheName(error) });
      }
      return false;
    }
  }

  /**
   * @param retry Tries so far (which of resumeRetryDelaysMs to wait next).
   * @param unavailable "unavailable" answers so far: only those count towards giving up (see resumeRetryDelaysMs).
   */
  private async resumeAsync(name: string, resumeToken: string, hadCall: boolean, generation: number, retry = 0, unavailable = 0): Promise<void> {
    try {
      const { ice, resumedCallWith } = await this.client.resume(name, resumeToken);
      if (generation !== this.resumeGeneration) {
        // Answered on a connection lost since (its resume is pending), or the person registered or signed out meanwhile.
        this.giveBackIfSignedOut();
        return;
      }
      this.pendingResume = null;
      this.ice = ice;
      const stopPending = this.stopPending;
      this.stopPending = false;
      if (resumedCallWith !== null && !stopPending && this.apply({ kind: "resume-call", peer: resumedCallWith, user: this.registeredAs })) {
        // The server still has the call, and the phone goes straight back into it (never shown registered, which an app
        // would take for the call's end): a new offer restarts this side's media (the embedded media server on the same
        // endpoint, KMS on a new one); Renegotiated answers it. Media held through the outage plays until then. From now
        // on an end from this side (a hang-up, a camera that does not open) must tell the server, offer made or not.
        this.offerSent = true;
        if (this.peerAway) {
          // The peer is away too (PeerReconnecting came with the acceptance).
          this.showReconnect({ ...this.shownReconnect, peer: true });
        }
        const held = this.handOverFromHeld(resumedCallWith);
        const camera: Prepared | null =
          held === null ? null : { from: resumedCallWith, stream: Promise.resolve(held.localStream), ice: this.freshIceConfiguration(), offer: Promise.resolve(null) };
        await this.sendOffer(++this.attempt, (sdpOffer) => this.server.renegotiate(sdpOffer), camera);
        return;
      }
      this.peerAway = false;
      this.apply({ kind: "registered", user: this.registeredAs });
      if (resumedCallWith !== null && stopPending) {
        // The person hung up, and the server kept the call because their Stop never reached it: end the call again.
        this.dropHeld();
        void this.sendStop();
      } else {
        this.dropHeld();
        if (hadCall && !stopPending) {
          // The peer hung up, or the call's window ran out, while this page was away.
          this.events.emit("notice", { text: "The call ended while the connection was away.", kind: "info" });
        }
      }
    } catch (error) {
      if (generation !== this.resumeGeneration) {
        return;
      }
      const delays = this.options.resumeRetryDelaysMs ?? defaultResumeRetryDelaysMs;
      // Offline, every try is as good as the last: no server answered, so only a server's "unavailable" counts towards
      // giving up (it cannot say yet whether it holds the registration: register afresh after the list's worth of those).
      const offline = isUnreachable(error);
      const answered = unavailable + (offline ? 0 : 1);
      if (isWorthAskingAgain(error) && this.snapshot.state === "registering" && delays.length > 0 && (offline || answered <= delays.length)) {
        // The server that held this registration is out of reach (dying), or this page cannot reach any (offline for a
        // moment: a tunnel, a network change): ask again, the held media still playing, while the server holds the call.
        if (offline && retry === delays.length) {
          // Offline for the whole list (a minute and a half by default): the held call's media has had no path for that
          // long, so the camera goes off (a resumed call opens it again); the person is told the page keeps trying.
          this.dropHeld();
          this.events.emit("notice", { text: stillOfflineText, kind: "error" });
        }
        await new Promise((resolve) => setTimeout(resolve, resumeDelay(delays, retry)));
        if (generation === this.resumeGeneration && this.snapshot.state === "registering") {
          await this.resumeAsync(name, resumeToken, hadCall, generation, retry + 1, answered);
        }
        return;
      }
      this.pendingResume = null;
      this.peerAway = false;
      this.dropHeld();
      if (error instanceof RejectedError && (error.reason === "resume-expired" || error.reason === "resume-refused" || error.reason === "unavailable") && this.snapshot.state === "registering") {
        // The server no longer holds this registration (or, asked for as long as it takes a cluster to take a dead
        // server's calls over, still cannot say): register the name afresh.
        const hungUp = this.stopPending;
        if ((await this.registerAsync(name)) && hadCall && !hungUp) {
          this.events.emit("notice", { text: "The call ended while this page was away. You are registered again.", kind: "info" });
        }
        return;
      }
      if (this.apply({ kind: "registration-failed" })) {
        this.events.emit("notice", { text: isSignInExpired(error) ? signInExpiredText(hadCall) : registrationText(error), kind: "error", ...aboutTheName(error) });
      }
    }
  }

  /**
   * A registration or resume the server accepted after the person signed out: their Unregister may have gone out before
   * it (or not at all, the connection not up yet), so the name would stay taken on this open connection. Nothing when
   * anything happened since the sign-out (a new registration, a lost connection).
   */
  private giveBackIfSignedOut(): void {
    if (this.resumeGeneration === this.signedOutGeneration && this.snapshot.state === "idle") {
      this.token = null;
      this.server.unregister().catch((error: unknown) => console.warn("Unregister after signing out failed", error));
    }
  }

  private placeCall(peer: string, attempt: number): Promise<void> {
    return this.sendOffer(attempt, (sdpOffer) => this.server.call(peer, sdpOffer));
  }

  private answerCall(from: string, attempt: number, prepared: Prepared | null): Promise<void> {
    return this.sendOffer(
      attempt,
      (sdpOffer) => {
        this.unansweredCaller = null;
        return this.server.incomingCallResponse(from, "accept", sdpOffer);
      },
      prepared,
    );
  }

  /**
   * While an incoming call rings: the connection to the media server and its offer, on the camera being opened, so an
   * accept sends the offer at once. Nothing leaves the page before the accept (local candidates wait for startTrickle).
   * Null when the camera did not open or the offer failed; accept() then tries again the usual way.
   */
  private async prepareOffer(stream: Promise<MediaStream | null>, ice: Promise<IceConfiguration | null>): Promise<PreparedOffer | null> {
    const local = await stream;
    if (local === null) {
      return null;
    }
    let media: MediaCall | null = null;
    try {
      media = this.newMediaCall(local, rtcConfiguration(await ice, this.options.rtcConfiguration));
      return { media, sdpOffer: await media.createOffer() };
    } catch (error) {
      // The accept tries again the usual way, which reports the error.
      console.warn("Preparing the offer while ringing failed", error);
      media?.close(false);
      return null;
    }
  }

  /**
   * Both sides of a call offer to the media server: open the camera, make the offer (or take the one `prepared` while
   * the call rang), hand it to `send`, and start trickling candidates once the server has it.
   */
  private async sendOffer(attempt: number, send: (sdpOffer: string) => Promise<void>, prepared: Prepared | null = null): Promise<void> {
    const opening = prepared === null ? null : this.holdOpening(() => closeRingingStream(prepared));
    const ready = (await prepared?.offer) ?? null;
    if (opening?.release() === false) {
      // Hung up (or ended) meanwhile: the ringing camera and its connection were closed then.
      return;
    }
    const media = ready !== null ? this.takePrepared(attempt, ready) : await this.startMedia(attempt, prepared);
    if (media === null) {
      return;
    }
    // A resumed call is on the server already (resumeAsync); a new one is not until its offer is taken.
    const serverHoldsCall = this.offerSent;
    try {
      const sdpOffer = ready?.sdpOffer ?? (await media.createOffer());
      if (attempt !== this.attempt) {
        return;
      }
      this.offerSent = true;
      await (serverHoldsCall ? this.sendWhileCallMoves(send, sdpOffer, attempt) : send(sdpOffer));
      if (attempt === this.attempt) {
        media.startTrickle();
      }
    } catch (error) {
      // A refused Call or accept means the server set nothing up: endCall() sends no Stop(). An accepted incoming call
      // whose offer failed is rejected, so the caller is not left ringing. A resumed call's failed offer ends the call the
      // server still holds: abandonCall() tells it.
      if (attempt === this.attempt) {
        this.rejectUnanswered();
        if (serverHoldsCall) {
          this.abandonCall(errorText(error));
        } else if (isRingGone(error)) {
          // The accept crossed the caller's cancel or the ring's timeout: news, not a fault. The server's
          // StopCommunication may still be on its way, and finds the call over.
          this.endCall(`The call from ${this.snapshot.peer === null ? "the caller" : inSentence(this.snapshot.peer)} is no longer ringing.`, "info");
        } else {
          this.endCall(errorText(error), "error");
        }
      }
    }
  }

  /**
   * Sends a held call's new offer. While the server answers "unavailable" (in a cluster: the call's server died and
   * another is still taking it over, and the page's requests are refused until it has), asks again after each of
   * resumeRetryDelaysMs rather than give up a call whose media is still flowing. Returns quietly when the attempt went
   * stale meanwhile (hung up, disconnected).
   */
  private async sendWhileCallMoves(send: (sdpOffer: string) => Promise<void>, sdpOffer: string, attempt: number): Promise<void> {
    const delays = this.options.resumeRetryDelaysMs ?? defaultResumeRetryDelaysMs;
    for (let retry = 0; ; retry++) {
      try {
        await send(sdpOffer);
        return;
      } catch (error) {
        if (!(error instanceof RefusedError && error.reason === "unavailable") || retry >= delays.length || attempt !== this.attempt) {
          throw error;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, delays[retry]));
      if (attempt !== this.attempt) {
        return;
      }
    }
  }

  /**
   * Opens the camera and fetches fresh ICE servers (or takes those `prepared` while the call rang) and creates the
   * MediaCall, or returns null when that failed (the call is then ended, and an incoming one rejected) or the attempt
   * went stale meanwhile.
   */
  private async startMedia(attempt: number, prepared: Prepared | null = null): Promise<MediaCall | null> {
    const ice = prepared?.ice ?? this.freshIceConfiguration();
    let stream: MediaStream;
    try {
      // A camera that failed to open while ringing is tried once more, so its error is the one reported; not for a call
      // that has ended meanwhile (no second permission prompt for a call that is gone).
      const ringingStream = (await prepared?.stream) ?? null;
      if (ringingStream === null && attempt !== this.attempt) {
        return null;
      }
      stream = ringingStream ?? (await (this.options.openMedia ?? openLocalMedia)());
    } catch (error) {
      if (attempt === this.attempt) {
        // A new call's server knows nothing yet; a resumed call's does, and hears the end (abandonCall).
        this.rejectUnanswered();
        this.abandonCall(errorText(error));
      }
      return null;
    }
    // Hung up, cancelled or disconnected while the camera was opening or the ICE servers are asked for: the camera
    // closes (at once, by releaseMedia, while waiting for them); a held call's camera stays with it.
    const release = (): void => {
      if (!this.heldCall.owns(stream)) {
        stopTracks(stream);
      }
    };
    if (attempt !== this.attempt) {
      release();
      return null;
    }
    const opening = this.holdOpening(release);
    const configuration = rtcConfiguration(await ice, this.options.rtcConfiguration);
    if (!opening.release()) {
      return null;
    }
    if (attempt !== this.attempt) {
      release();
      return null;
    }
    applyMediaState(stream, this.mediaSettings);
    let media: MediaCall;
    try {
      media = this.newMediaCall(stream, configuration);
    } catch (error) {
      // RTCPeerConnection refuses a configuration it cannot use (an ICE server's URL it cannot parse, a TURN server
      // without credentials): the call cannot go on, and is not left waiting with the camera open.
      stopTracks(stream);
      this.rejectUnanswered();
      this.abandonCall(connectionText(error));
      return null;
    }
    this.media = media;
    this.events.emit("localStream", stream);
    return media;
  }

  /**
   * Makes `close` what releaseMedia() runs while the current attempt waits with a camera open. `release()` ends the
   * wait: true when the camera is still this attempt's to use (or to close), false when releaseMedia closed it meanwhile.
   */
  private holdOpening(close: () => void): { release: () => boolean } {
    let closed = false;
    const mine = (): void => {
      closed = true;
      close();
    };
    this.opening = mine;
    return {
      release: () => {
        if (this.opening === mine) {
          this.opening = null;
        }
        return !closed;
      },
    };
  }

  /** The connection prepared while the call rang becomes this call's, unless the attempt went stale meanwhile. */
  private takePrepared(attempt: number, ready: PreparedOffer): MediaCall | null {
    if (attempt !== this.attempt) {
      ready.media.close();
      return null;
    }
    applyMediaState(ready.media.localStream, this.mediaSettings);
    this.media = ready.media;
    this.events.emit("localStream", ready.media.localStream);
    return ready.media;
  }

  private newMediaCall(stream: MediaStream, configuration: RTCConfiguration): MediaCall {
    const media: MediaCall = new MediaCall(stream, {
      localCandidate: (candidate) => {
        this.server.onIceCandidate(candidate).catch((error: unknown) => console.warn("OnIceCandidate was refused", error));
      },
      remoteStream: (remote) => {
        // A resumed call's new connection has its answer but no media yet: the handed-over one's video plays on.
        if (media !== this.media || !this.heldCall.deferRemote(remote)) {
          this.events.emit("remoteStream", remote);
        }
      },
      // Only the call's current connection moves the call on: a held or replaced one's changes are its own.
      connectionStateChange: (state) => {
        if (media === this.media) {
          this.onMediaConnectionState(state);
        }
      },
    }, configuration);
    return media;
  }

  /** The call goes on over a new connection on the same camera (a reconnect); the old one is closed, its tracks kept. */
  private replaceMedia(): MediaCall | null {
    const old = this.media;
    if (old === null || this.snapshot.state !== "in-call") {
      return null;
    }
    let media: MediaCall;
    try {
      media = this.newMediaCall(old.localStream, rtcConfiguration(this.ice, this.options.rtcConfiguration));
    } catch (error) {
      // Fresh ICE servers the browser refuses: no connection can carry the call any more.
      this.abandonCall(connectionText(error));
      return null;
    }
    old.close(false);
    this.media = media;
    return media;
  }

  private startReconnects(media: MediaCall): void {
    this.reconnect?.stop();
    const reconnect = new MediaReconnect(
      {
        replaceMedia: () => this.replaceMedia(),
        renegotiate: (sdpOffer) => this.server.renegotiate(sdpOffer),
        changed: (state) => this.showReconnect(state),
        // A network change can leave the signaling connection half-open for its whole keep-alive timeout: close it, and
        // onConnectionClosed resumes the call on a new one.
        signalingStale: () => void this.client.dropConnection(),
      },
      this.peerAway,
    );
    this.peerAway = false;
    this.reconnect = reconnect;
    reconnect.watch(media);
    this.iceRefresh.start(this.ice);
    // A call resumed after a lost connection was shown as reconnecting until now.
    this.showReconnect(reconnect.current);
  }

  /**
   * Asks for a fresh TURN credential while the camera opens: the one from registering expires, and the page may have
   * been open for hours. A request that fails is asked once more; when that fails too, falls back to the ICE servers
   * from registering (a server without TURN needs nothing fresh), and tells the person when their TURN credential has
   * expired already: a call that needs a relay (a relay policy, a firewall that lets only TURN through) would otherwise
   * fail with nothing to say why. Never rejects.
   */
  private async freshIceConfiguration(): Promise<IceConfiguration | null> {
    try {
      this.ice = await this.getIceServersTwice();
    } catch (error) {
      console.warn("GetIceServers failed again; using the ICE servers from registering", error);
      // Not for a call that ended meanwhile: nothing is left that could fail to connect.
      if (credentialExpired(this.ice, Date.now()) && isCallPhase(this.snapshot.state)) {
        this.events.emit("notice", { text: staleRelayText, kind: "error" });
      }
    }
    return this.ice;
  }

  /** GetIceServers, asked once more at once when it fails (a hub error of a moment); rejects when the second fails too. */
  private async getIceServersTwice(): Promise<IceConfiguration> {
    try {
      return await this.server.getIceServers();
    } catch (error) {
      console.warn("GetIceServers failed; asking once more", error);
      return await this.server.getIceServers();
    }
  }

  /** Fresh ICE servers for the call's next connection (a reconnect); rejects when they could not be fetched. */
  private async renewIce(): Promise<IceConfiguration | null> {
    const fresh = await this.server.getIceServers();
    if (this.snapshot.state === "in-call") {
      this.ice = fresh;
    }
    return fresh;
  }

  private onMediaConnectionState(state: RTCPeerConnectionState): void {
    if (state === "connected") {
      const remote = this.heldCall.completeHandover();
      if (remote !== null) {
        this.events.emit("remoteStream", remote);
      }
      if (this.apply({ kind: "media-connected" }) && this.media !== null) {
        this.startReconnects(this.media);
      }
    } else if (state === "failed" && isCallPhase(this.snapshot.state) && this.snapshot.state !== "in-call") {
      // During the call a failed connection is replaced (MediaReconnect); while setting up it ends the attempt.
      this.abandonCall("The media connection failed; the call was ended.");
    }
  }

  // ---- the server's callbacks ----

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
    if (isCallPhase(this.snapshot.state)) {
      // Busy in a call of its own: the server normally says "busy" itself.
      this.server.incomingCallResponse(call.from, "reject", null).catch((error: unknown) => console.warn(error));
      return;
    }
    if (this.snapshot.state === "registering") {
      // Registered on the server a moment before this phone heard it: the ring waits for that (see apply).
      this.ringWhileRegistering = call;
      return;
    }
    if (!canHandle(this.snapshot, "ring")) {
      // Not registered: the call is for another Softphone on the same connection, whose registration it is.
      return;
    }
    this.apply({ kind: "ring", from: call.from });
    if (this.options.openMediaWhileRinging ?? true) {
      const stream = (this.options.openMedia ?? openLocalMedia)().catch(() => null);
      const ice = this.freshIceConfiguration();
      this.ringing = { from: call.from, stream, ice, offer: this.prepareOffer(stream, ice) };
    }
  }

  private async onStartCommunication(communication: StartCommunication): Promise<void> {
    if (this.snapshot.state !== "connecting") {
      return;
    }
    await this.applyAnswer(communication.sdpAnswer);
  }

  private onStopCommunication(communication: StopCommunication): void {
    if (!isCallPhase(this.snapshot.state)) {
      // A ring withdrawn before this phone heard it was registered rings no more.
      this.ringWhileRegistering = null;
      return;
    }
    // The server ended the call: it needs no Stop() from this side.
    this.endCall(outcomeText(communication.message, communication.reason, this.snapshot.peer, "The call ended."), messageKind(communication.reason));
  }

  /** The answer to a reconnect's offer, or to a resumed call's first offer. */
  private async onRenegotiated(sdpAnswer: string): Promise<void> {
    if (this.reconnect !== null) {
      await this.reconnect.onRenegotiated(sdpAnswer);
    } else if (this.snapshot.state === "connecting") {
      await this.applyAnswer(sdpAnswer);
    }
  }

  private async onIceCandidate(message: IceCandidate): Promise<void> {
    await this.media?.addRemoteCandidate(message.candidate);
  }

  /**
   * The signaling connection is gone. The app's own disconnect() ("left") gave the registration up. Otherwise the server
   * holds the name (and a call in progress) for Calls:ReconnectWindow, and the phone comes back as a reload does: at once
   * on a new connection when the old one closed ("lost"), or once SignalR's automatic reconnect has one ("reconnecting").
   * A call still ringing or being set up has ended on the server; the name is kept all the same.
   */
  private onConnectionClosed(how: "left" | "lost" | "reconnecting"): void {
    const { state, user } = this.snapshot;
    const inCall = state === "in-call" || (state === "connecting" && this.heldCall.handover !== null);
    // Not "connecting": a resumed call connects again while the server holds it (the resume finds it).
    const wasRinging = state === "calling" || state === "incoming";
    const resumable =
      this.pendingResume ??
      (this.token !== null && user !== null && state !== "idle" && state !== "registering"
        ? { user, token: this.token, inCall, hadCall: inCall || state === "connecting" }
        : null);
    this.pendingResume = null;
    this.resumeGeneration++;
    this.ice = null;
    // A call's media goes on while the page comes back (see held); anything else ends with the connection.
    if (how === "left" || resumable?.inCall !== true || !this.holdMedia()) {
      this.releaseMedia();
      this.dropHeld();
    }
    this.apply({ kind: "disconnected" });
    if (how === "left") {
      this.token = null;
      return;
    }
    if (resumable === null) {
      this.events.emit("notice", { text: "The connection to the server was lost. Register again to make or take calls.", kind: "error" });
      return;
    }
    if (this.heldCall.isHeld) {
      this.showReconnect({ self: true, peer: false });
    }
    if (wasRinging) {
      // A call still ringing ended on the server with the connection: say so rather than just go back to registered.
      this.events.emit("notice", { text: "The call was interrupted: the connection to the server was lost.", kind: "error" });
    }
    if (how === "lost") {
      if (this.apply({ kind: "register", user: resumable.user })) {
        this.startResume(resumable);
      }
      return;
    }
    // SignalR is reconnecting: the resume waits for its new connection (a register now would race with it).
    this.pendingResume = resumable;
    this.apply({ kind: "register", user: resumable.user });
  }

  private onReconnected(): void {
    const pending = this.pendingResume;
    if (pending !== null && this.snapshot.state === "registering") {
      void this.resumeAsync(pending.user, pending.token, pending.hadCall, this.resumeGeneration);
    }
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
      return;
    }
    if (refusesVideo(sdpAnswer) && this.media === media) {
      // Without a word the person would look at "waiting for video" for the whole call.
      this.events.emit("notice", { text: noVideoText, kind: "error" });
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
      void this.sendStop();
    }
    this.endCall(reason, "error");
  }

  /** Tells the server this side ended the call; never rejects. The hang-up is pending until the server answers. */
  private async sendStop(): Promise<void> {
    this.stopPending = true;
    try {
      await this.server.stop();
      this.stopPending = false;
    } catch (error) {
      // A refusal is the server's answer (the peer may have ended the call at the same moment: it is over either way);
      // a lost connection leaves it unknown whether the Stop arrived.
      if (!(error instanceof ConnectionError)) {
        this.stopPending = false;
      }
      console.warn("Stop was refused", error);
    }
  }

  /** Local clean-up of a call that is over, and back to registered; the server is not told. */
  private endCall(text: string, kind: "error" | "info"): void {
    this.releaseMedia();
    if (this.apply({ kind: "ended" })) {
      this.events.emit("notice", { text, kind });
    }
  }

  /**
   * Keeps the call's media running without a signaling connection: a connected call's, or a resumed call's handed-over
   * one while its new connection connects; false when there is no such call to keep.
   */
  private holdMedia(): boolean {
    const { state, peer } = this.snapshot;
    // A call's connection carries it; while a resumed call's new connection connects, the one handed over from does.
    const media = this.media;
    const connected = state === "in-call" && media !== null;
    const resuming = state === "connecting" && this.heldCall.handover !== null;
    if (peer === null || (!connected && !resuming)) {
      // Already held by an earlier loss (the resume had not finished), or nothing to keep.
      return this.heldCall.isHeld;
    }
    this.attempt++;
    this.reconnect?.stop();
    this.reconnect = null;
    // Whoever is away now, the resume tells again (PeerReconnecting after its acceptance).
    this.peerAway = false;
    // The resume brings fresh ICE servers, and the call's next connection starts their renewal again.
    this.iceRefresh.stop();
    this.offerSent = false;
    this.unansweredCaller = null;
    if (connected) {
      this.heldCall.hold(media, peer);
    } else {
      // The resumed call's new connection never carried it: it goes, the camera staying with the held one.
      this.heldCall.holdHandover(peer);
      media?.close(false);
    }
    this.media = null;
    return true;
  }

  /** The held media, handed over from, if the resumed call is the one it belongs to (any other is closed). */
  private handOverFromHeld(peer: string): MediaCall | null {
    const wasHeld = this.heldCall.isHeld;
    const held = this.heldCall.beginHandover(peer);
    if (held === null && wasHeld) {
      this.heldMediaGone();
    }
    return held;
  }

  private dropHeld(): void {
    if (this.heldCall.drop()) {
      this.heldMediaGone();
      // Shown as reconnecting since the connection was lost; nothing is reconnecting now.
      this.showReconnect({ self: false, peer: false });
    }
  }

  /** Held media was closed: nothing plays any more unless a call has media of its own. */
  private heldMediaGone(): void {
    if (this.media === null) {
      this.events.emit("localStream", null);
      this.events.emit("remoteStream", null);
    }
  }

  private releaseMedia(): void {
    // A camera still on its way to becoming the call's closes first, while a held call still owns what it owns.
    const opening = this.opening;
    this.opening = null;
    opening?.();
    // The held media's part is over: with a new connection its tracks went on there; without one they stop.
    this.heldCall.endHandover(this.media === null);
    this.attempt++;
    this.reconnect?.stop();
    this.reconnect = null;
    this.peerAway = false;
    this.iceRefresh.stop();
    this.offerSent = false;
    this.unansweredCaller = null;
    this.media?.close();
    this.media = null;
    this.events.emit("localStream", null);
    this.events.emit("remoteStream", null);
    if (this.reconnectShown) {
      // A call that ended while shown as reconnecting (a resumed call hung up before its media came back, say).
      this.showReconnect({ self: false, peer: false });
    }
  }

  /** Tells the page who is reconnecting, and remembers what is shown (see releaseMedia). */
  private showReconnect(state: ReconnectState): void {
    this.shownReconnect = state;
    this.events.emit("reconnectChange", state);
  }

  private get reconnectShown(): boolean {
    return this.shownReconnect.self || this.shownReconnect.peer;
  }

  /** PeerReconnecting (true) or PeerReconnected (false): for the call's MediaReconnect, or kept until it starts. */
  private onPeerAway(away: boolean): void {
    if (this.reconnect !== null) {
      if (away) {
        this.reconnect.onPeerReconnecting();
      } else {
        this.reconnect.onPeerReconnected();
      }
      return;
    }
    if (this.snapshot.state === "registering") {
      // The server says so right behind a resume's acceptance, often in the same frame: before the resume's own answer
      // has put the phone back in its call. Kept for that call, shown once it is back in it (resumeAsync), forgotten if
      // the resume brings no call back.
      this.peerAway = away;
      return;
    }
    if (this.snapshot.peer === null || !isCallPhase(this.snapshot.state) || this.peerAway === away) {
      return;
    }
    this.peerAway = away;
    this.showReconnect({ ...this.shownReconnect, peer: away });
  }

  private apply(event: PhoneEvent): boolean {
    if (this.disposed) {
      return false;
    }
    const next = transition(this.snapshot, event);
    if (next === undefined) {
      return false;
    }
    this.snapshot = next;
    if (event.kind === "dial" || event.kind === "ring" || event.kind === "ended" || event.kind === "unregistered") {
      this.connectedAt = null;
    } else if (next.state === "in-call" && this.connectedAt === null) {
      this.connectedAt = Date.now();
    }
    if (next.state !== "incoming" && this.ringing !== null) {
      // Declined, cancelled by the caller, unanswered or disconnected: the camera opened for the ringing call closes.
      closeRingingStream(this.ringing);
      this.ringing = null;
    }
    this.events.emit("stateChange", next);
    if (next.state !== "registering" && this.ringWhileRegistering !== null) {
      const ring = this.ringWhileRegistering;
      this.ringWhileRegistering = null;
      if (next.state === "registered") {
        this.onIncomingCall(ring);
      }
    }
    return true;
  }

  private setMediaState(state: MediaState): void {
    if (state.audio === this.mediaSettings.audio && state.video === this.mediaSettings.video) {
      return;
    }
    this.mediaSettings = state;
    // Every connection sending the page's media: the call's, and one held while the signaling connection comes back
    // (it may carry the call meanwhile) or handing over to the resumed call's new one.
    for (const media of [this.media, ...this.heldCall.connections]) {
      if (media !== null) {
        applyMediaState(media.localStream, state);
      }
    }
    this.events.emit("mediaStateChange", state);
  }

  private showError(error: unknown): void {
    this.events.emit("notice", { text: errorText(error), kind: "error" });
  }
}

/**
 * The wait before resume try `retry`: the list's, then its last one (at least a second), give or take a fifth, so that the
 * pages a server's outage cut off together (every page of a dead node) do not all come back in step for as long as it lasts.
 */
function resumeDelay(delays: readonly number[], retry: number): number {
  const last = delays[delays.length - 1] ?? 0;
  return retry < delays.length ? (delays[retry] ?? last) : Math.max(last, minimumRepeatedDelayMs) * (0.8 + 0.4 * Math.random());
}

/**
 * Whether a resume that failed so is worth asking again: the server that held the registration answered it cannot be
 * reached (a node dying), or no server could be reached or the connection dropped on the way (this page offline for a
 * moment). Not a refusal of the token or the name, and not a server that turns this page away (unauthorized, forbidden).
 */
function isWorthAskingAgain(error: unknown): boolean {
  return (error instanceof RejectedError && error.reason === "unavailable") || isUnreachable(error);
}

/** No server answered: this page cannot reach any (offline), or the connection broke before the answer. */
function isUnreachable(error: unknown): boolean {
  return error instanceof ConnectionError && (error.reason === "unreachable" || error.reason === "disconnected");
}

/**
 * A resume refused for its sign-in (401): the token this page registered with was accepted when it connected before, so
 * it has expired since (identity providers' tokens often last minutes), or the server's key changed.
 */
function isSignInExpired(error: unknown): boolean {
  return error instanceof ConnectionError && error.reason === "unauthorized";
}

function signInExpiredText(hadCall: boolean): string {
  return `Your sign-in has expired${hadCall ? ", and the call could not be kept" : ""}. Sign in again to make or take calls.`;
}

/** The server's refusal of an answer to a call that stopped ringing a moment before (the caller cancelled, it rang out). */
function isRingGone(error: unknown): boolean {
  return error instanceof RefusedError && (error.reason === "no-such-call" || error.reason === "not-ringing");
}

/** The server's words when it closed the connection for a limit (SignalR passes a HubException's message in its close). */
function refusalOf(error: unknown): string | null {
  const marker = "rate-limited: ";
  const message = error instanceof Error ? error.message : "";
  const at = message.indexOf(marker);
  return at < 0 ? null : message.slice(at + marker.length);
}

/** A registration refused for its name, so the page can mark the name's field. */
function aboutTheName(error: unknown): Pick<Notice, "about"> {
  return error instanceof RejectedError && nameReasons.includes(error.reason) ? { about: "name" } : {};
}

const nameReasons: readonly string[] = ["invalid-name", "name-taken", "name-not-allowed"];

function registrationText(error: unknown): string {
  return error instanceof RejectedError ? outcomeText(error.serverMessage, error.reason, null, "Registration was refused.") : errorText(error);
}

function applyMediaState(stream: MediaStream, state: MediaState): void {
  for (const track of stream.getAudioTracks()) {
    track.enabled = state.audio;
  }
  for (const track of stream.getVideoTracks()) {
    track.enabled = state.video;
  }
}

/** Why the browser refused to make the call's connection. */
function connectionText(error: unknown): string {
  return `The connection to the media server could not be made (${errorText(error)}); the call was ended.`;
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) {
    track.stop();
  }
}

/** What an incoming call's answer needs, started while it rings: the camera (null if it failed) and fresh ICE servers. */
interface Prepared {
  readonly from: string;
  readonly stream: Promise<MediaStream | null>;
  readonly ice: Promise<IceConfiguration | null>;
  readonly offer: Promise<PreparedOffer | null>;
}

/** A connection made while the call rang, with its offer applied locally and not yet sent. */
interface PreparedOffer {
  readonly media: MediaCall;
  readonly sdpOffer: string;
}

function closeRingingStream(ringing: Prepared | null): void {
  void ringing?.offer.then((prepared) => prepared?.media.close(false));
  void ringing?.stream.then((stream) => {
    if (stream !== null) {
      stopTracks(stream);
    }
  });
}
