// One2OneClient: the typed face of the SignalR hub at /one2one (One2One.Server/Signaling; its messages in
// One2One.Server/Contracts). Nothing else in the SDK imports @microsoft/signalr. Two levels: `hub` is the hub's
// methods as they are (each resolves when the server has handled the invocation), and register/call/accept/reject/hangUp
// also wait for the server's answer.

import {
  HubConnection,
  HubConnectionBuilder,
  HubConnectionState,
  type IHttpConnectionOptions,
  type ILogger,
  type IRetryPolicy,
  LogLevel,
} from "@microsoft/signalr";
import { type ClientEvents, hubMethods, type IceCandidateInit, type IceConfiguration, type One2OneServer } from "./contract.js";
import { Emitter } from "./emitter.js";
import { ConnectionError, connectionError, invocationError, isReason, One2OneError, RejectedError } from "./errors.js";

/**
 * How long disconnect() waits for the server to take its Unregister before it closes the connection anyway: on a
 * half-open connection the invocation would wait for SignalR's server timeout (30 s), the camera still sending. The
 * server frees the name when the connection closes in any case (after Calls:ReconnectWindow, without the Unregister).
 */
export const unregisterTimeoutMs = 2000;

export interface One2OneClientOptions {
  /** The hub's address; "/one2one" (the page's own server) by default. Outside a browser, give a full http(s) URL. */
  readonly url?: string;
  /**
   * The bearer token for servers that require sign-in (Auth:Mode=Jwt), asked for again before every connection attempt:
   * each connect() (a Softphone's resume on a new connection included) and each try of the automatic reconnect, so a
   * factory that returns a fresh token (your identity provider's refresh) keeps a long call signed in across network
   * changes; `() => token` serves one fixed token until it expires. May return a promise. The server checks the token
   * only when a connection opens: a 401 then rejects connect() with a ConnectionError "unauthorized".
   */
  readonly accessTokenFactory?: () => string | Promise<string>;
  /** Options for SignalR's withUrl (transport, headers, a WebSocket or HttpClient of your own, …). */
  readonly connectionOptions?: IHttpConnectionOptions;
  /**
   * Reconnect automatically (SignalR's withAutomaticReconnect). Off by default. A new connection is a new connection id:
   * after "reconnected" the app resumes its registration with resume(name, resumeToken) (the server holds it for
   * Calls:ReconnectWindow); a Softphone does that by itself, with or without this policy.
   */
  readonly reconnectPolicy?: IRetryPolicy | readonly number[];
  /** SignalR's logger, or the lowest level it logs to the console; Warning by default. */
  readonly logger?: ILogger | LogLevel;
  /** Makes the builder url, logging and reconnect are applied to, e.g. to add a hub protocol. */
  readonly createBuilder?: () => HubConnectionBuilder;
}

/** The server's callbacks and the connection's own events. */
export interface One2OneClientEvents extends ClientEvents {
  /**
   * The connection closed for good (not while reconnecting), with the transport's error if it failed; `requested` is true
   * when the app closed it with disconnect() (the registration was given up), false when it was lost (the server holds
   * the registration for a resume).
   */
  close(error: Error | undefined, requested: boolean): void;
  /** The connection dropped and is being re-established (only with a reconnect policy); the server holds the registration. */
  reconnecting(error: Error | undefined): void;
  /** The connection is back, as a new connection: resume the registration with its token. */
  reconnected(): void;
}

export type ConnectionState = "disconnected" | "connecting" | "connected" | "reconnecting" | "disconnecting";

/**
 * An accepted registration or resume: the STUN/TURN servers for this person's calls, the call the server kept going, and
 * the name as registered (as others see it; null from a server that does not say).
 */
export interface Registration {
  readonly ice: IceConfiguration | null;
  readonly resumedCallWith: string | null;
  readonly name: string | null;
}

/** The one call set up through call() or accept() whose answer is awaited. */
interface PendingAnswer {
  readonly peer: string;
  resolve(sdpAnswer: string): void;
  reject(error: One2OneError): void;
}

export class One2OneClient {
  /** The hub's methods, each rejecting with a RefusedError carrying the server's reason when refused. */
  readonly hub: One2OneServer;
  private readonly connection: HubConnection;
  private readonly events = new Emitter<One2OneClientEvents>();
  private starting: Promise<void> | null = null;
  /** disconnect() is closing the connection: its close is the app's own, not a loss. False again once it is reported. */
  private leaving = false;
  /** The disconnect() under way: until it has finished, connect() refuses (the app is leaving). */
  private departure: Promise<void> | null = null;
  /** disconnect() calls so far: a start that fails after one began was stopped by it (see connect()). */
  private departures = 0;
  /**
   * SignalR started the connection (and has not reported its close): only then does it report a close, so one that never
   * started (down, or still starting) is closed by disconnect() itself.
   */
  private started = false;
  private pending: PendingAnswer | null = null;
  /** The resume token of the last accepted registration (see resumeToken). */
  private token: string | null = null;
  /** This side's candidates, held while its offer is on the way: before it arrives the server has no call for them. */
  private heldCandidates: IceCandidateInit[] | null = null;

  constructor(options: One2OneClientOptions = {}) {
    const builder = (options.createBuilder?.() ?? new HubConnectionBuilder())
      .withUrl(options.url ?? "/one2one", {
        ...options.connectionOptions,
        ...(options.accessTokenFactory === undefined ? {} : { accessTokenFactory: options.accessTokenFactory }),
      })
      .configureLogging(options.logger ?? LogLevel.Warning);
    const policy = options.reconnectPolicy;
    if (policy !== undefined) {
      if (Array.isArray(policy)) {
        builder.withAutomaticReconnect([...(policy as readonly number[])]);
      } else {
        builder.withAutomaticReconnect(policy as IRetryPolicy);
      }
    }
    this.connection = builder.build();
    this.connection.onclose((error) => this.closed(error));
    this.connection.onreconnecting((error) => {
      this.settle(null, new ConnectionError("The connection to the server was lost.", "disconnected", { cause: error }));
      this.events.emit("reconnecting", error);
    });
    this.connection.onreconnected(() => this.events.emit("reconnected"));

    for (const name of ["registerResponse", "callResponse", "incomingCall", "startCommunication", "stopCommunication", "iceCandidate", "renegotiated", "peerReconnecting", "peerReconnected"] as const) {
      // The JS client matches callback names case-insensitively, so the camelCase key is the wire name.
      this.connection.on(name, (payload: never) => this.events.emit(name, payload));
    }
    // The softphone features' callbacks (src/features): the peer's mute state and who is online.
    for (const name of ["peerMediaState", "onlineUsers", "presenceChanged"] as const) {
      this.connection.on(name, (payload: never) => this.events.emit(name, payload));
    }
    // Before anyone else hears the answer, so an app's listener already finds the new token here.
    this.events.on("registerResponse", (response) => {
      if (response.response === "accepted" && response.resumeToken) {
        this.token = response.resumeToken;
      }
    });
    this.events.on("callResponse", (response) => {
      if (response.response === "accepted" && response.sdpAnswer) {
        this.settle(response.sdpAnswer, null);
      } else if (response.response === "accepted") {
        this.settle(null, new One2OneError("The server accepted the call but sent no SDP answer.", "server-error"));
      } else {
        this.settle(null, rejection(response.message, response.reason, "The call was not accepted."));
      }
    });
    this.events.on("startCommunication", (communication) => this.settle(communication.sdpAnswer, null));
    this.events.on("stopCommunication", (communication) =>
      this.settle(null, rejection(communication.message, communication.reason, "The call ended.")),
    );

    this.hub = {
      register: (name) => this.invoke(hubMethods.register, name),
      resume: (name, resumeToken) => this.invoke(hubMethods.resume, name, resumeToken),
      call: (to, sdpOffer) => this.invoke(hubMethods.call, to, sdpOffer),
      incomingCallResponse: (from, callResponse, sdpOffer) => this.invoke(hubMethods.incomingCallResponse, from, callResponse, sdpOffer),
      // Both end this side's call, and the server tells the side that ended it nothing: the call being set up is settled here.
      stop: () => {
        this.settle(null, endedHere());
        return this.invoke(hubMethods.stop);
      },
      unregister: () => {
        // The registration is given up: its token resumes nothing.
        this.token = null;
        this.settle(null, endedHere());
        return this.invoke(hubMethods.unregister);
      },
      onIceCandidate: (candidate) => this.invoke(hubMethods.onIceCandidate, candidate),
      getIceServers: () => this.invoke<IceConfiguration>(hubMethods.getIceServers),
      renegotiate: (sdpOffer) => this.invoke(hubMethods.renegotiate, sdpOffer),
      setMediaState: (state) => this.invoke(hubMethods.setMediaState, state),
    };
  }

  get state(): ConnectionState {
    switch (this.connection.state) {
      case HubConnectionState.Connected:
        return "connected";
      case HubConnectionState.Connecting:
        return "connecting";
      case HubConnectionState.Reconnecting:
        return "reconnecting";
      case HubConnectionState.Disconnecting:
        return "disconnecting";
      default:
        return "disconnected";
    }
  }

  /**
   * The resume token of this client's registration, for resume(name, resumeToken) on a new connection: a lost one (the
   * server holds the name, and a call, for Calls:ReconnectWindow), or a reloaded page's (keep it, e.g. in
   * sessionStorage). Each accepted register() or resume() issues a new one (a resume spends the token it used); null
   * before any, and once the registration is given up (hub.unregister(), disconnect()). A lost connection keeps it.
   */
  get resumeToken(): string | null {
    return this.token;
  }

  get connected(): boolean {
    return this.connection.state === HubConnectionState.Connected;
  }

  on<K extends keyof One2OneClientEvents>(event: K, listener: One2OneClientEvents[K]): void {
    this.events.on(event, listener);
  }

  off<K extends keyof One2OneClientEvents>(event: K, listener: One2OneClientEvents[K]): void {
    this.events.off(event, listener);
  }

  /**
   * Starts the connection if it is not up (one start at a time); rejects with a ConnectionError when that fails:
   * "disconnected" while disconnect() is under way (its close event included), or when it stopped the start.
   */
  async connect(): Promise<void> {
    if (this.departure !== null) {
      throw leftError();
    }
    if (this.connection.state === HubConnectionState.Connected) {
      return;
    }
    if (this.starting !== null) {
      return this.starting;
    }
    if (this.connection.state !== HubConnectionState.Disconnected) {
      throw new ConnectionError("The connection to the server is still being set up or closed; try again in a moment.", "unreachable");
    }
    const departures = this.departures;
    this.starting = this.connection.start().then(
      () => {
        this.starting = null;
        this.started = true;
      },
      (error: unknown) => {
        this.starting = null;
        throw departures === this.departures ? connectionError(error) : leftError(error);
      },
    );
    return this.starting;
  }

  /**
   * Leaves and closes the connection: the server frees the registered name at once and ends any call as a hang-up (hub
   * method Unregister, waited for at most unregisterTimeoutMs), and "close" reports `requested`. A connection merely
   * lost is different: the server holds the name and call for Calls:ReconnectWindow, for a resume. "close" is reported
   * also when the connection is down or still starting (a Softphone's resume trying again), and a start under way
   * fails; connect() fails until this has finished.
   */
  disconnect(): Promise<void> {
    this.departure ??= this.leave().finally(() => {
      this.departure = null;
    });
    return this.departure;
  }

  private async leave(): Promise<void> {
    this.departures++;
    this.leaving = true;
    this.token = null;
    // A call being set up ends with the connection, as when it is lost (not as a hang-up: the app closed the connection).
    this.settle(null, new ConnectionError("The connection to the server was closed.", "disconnected"));
    if (this.connection.state === HubConnectionState.Connected) {
      // Best effort, and briefly: if the server cannot be told, the name is freed when its reconnect window closes.
      await settledWithin(this.hub.unregister(), unregisterTimeoutMs);
    }
    const stopping = this.connection.stop();
    if (this.leaving && !this.started) {
      // SignalR reports no close for a connection that never started: say the app left, before a start it stops fails.
      this.closed(undefined);
    }
    await stopping;
  }

  /**
   * Closes the connection without leaving: the server holds the registration (and a call) for Calls:ReconnectWindow, and
   * "close" reports a loss (`requested` false), so the app resumes on a new connection. For a connection that looks
   * alive but no longer carries anything (a network change can leave it half-open for its whole keep-alive timeout).
   */
  async dropConnection(): Promise<void> {
    await this.connection.stop();
  }

  /**
   * Connects if needed and registers `name`. Resolves once the server accepted it, with the STUN/TURN servers for
   * this person's calls (null only from a server that sends none; an empty list when it configures none); rejects with a RejectedError (invalid-name,
   * name-taken, rate-limited, …), a RefusedError or a ConnectionError ("disconnected" when the connection closes or
   * starts reconnecting before the server's answer, which is then lost with it: register again, or resume, on the new one).
   */
  async register(name: string): Promise<IceConfiguration | null> {
    return (await this.registration(() => this.hub.register(name))).ice;
  }

  /**
   * Connects if needed and registers `name` again with the resume token of a page whose connection closed during a
   * call (a reload, a new network). Resolves with the STUN/TURN servers and the peer of the call the server kept going
   * (null if it has ended); rejects as register() does, resume-expired or resume-refused when the token is no good.
   */
  async resume(name: string, resumeToken: string): Promise<Registration> {
    return this.registration(() => this.hub.resume(name, resumeToken));
  }

  private async registration(invoke: () => Promise<void>): Promise<Registration> {
    await this.connect();
    const answer = this.registerAnswer();
    try {
      // The answer may come before or after the invocation completes.
      const [, registration] = await Promise.all([invoke(), answer.registration]);
      return registration;
    } finally {
      answer.stopListening();
    }
  }

  /**
   * The server's answer to the registration about to be sent: its RegisterResponse, or a ConnectionError "disconnected"
   * when the connection closes or starts reconnecting first (the answer, sent through the server's outbox, may come after
   * the invocation completed, and is lost with the connection). Stops listening as soon as it settles.
   */
  private registerAnswer(): { readonly registration: Promise<Registration>; stopListening(): void } {
    let stopListening = (): void => undefined;
    const registration = new Promise<Registration>((resolve, reject) => {
      const onResponse: ClientEvents["registerResponse"] = (answer) => {
        stopListening();
        if (answer.response === "accepted") {
          resolve({
            ice: answer.iceServers ? { iceServers: answer.iceServers, iceTransportPolicy: answer.iceTransportPolicy ?? "all" } : null,
            resumedCallWith: answer.resumedCallWith ?? null,
            name: answer.name ?? null,
          });
        } else {
          reject(rejection(answer.message, answer.reason, "Registration was refused."));
        }
      };
      const onLost = (error: Error | undefined): void => {
        stopListening();
        reject(new ConnectionError("The connection to the server was lost.", "disconnected", { cause: error }));
      };
      stopListening = () => {
        this.events.off("registerResponse", onResponse);
        this.events.off("close", onLost);
        this.events.off("reconnecting", onLost);
      };
      this.events.on("registerResponse", onResponse);
      this.events.on("close", onLost);
      this.events.on("reconnecting", onLost);
    });
    return { registration, stopListening };
  }

  /**
   * Calls `to` with this side's SDP offer. Resolves with the media server's SDP answer once the callee accepted;
   * rejects with a RejectedError (unknown-user, busy, declined, no-answer, server-busy, …), a RefusedError, a
   * ConnectionError, or a One2OneError "cancelled" when this side ended it first (hangUp(), or the hub's Stop or
   * Unregister).
   */
  call(to: string, sdpOffer: string): Promise<string> {
    return this.awaitAnswer(to, () => this.hub.call(to, sdpOffer));
  }

  /** Accepts the call ringing from `from` with this side's SDP offer; resolves with the media server's SDP answer. */
  accept(from: string, sdpOffer: string): Promise<string> {
    return this.awaitAnswer(from, () => this.hub.incomingCallResponse(from, "accept", sdpOffer));
  }

  /** Declines the call ringing from `from`. */
  reject(from: string): Promise<void> {
    return this.hub.incomingCallResponse(from, "reject", null);
  }

  /** Ends this side's call in any state (cancel while ringing, or hang up): the server's Stop. */
  async hangUp(): Promise<void> {
    await this.hub.stop();
  }

  /**
   * Trickles one of this side's ICE candidates to its endpoint on the media server. While a call() or accept()
   * is on its way to the server, the candidate is held and sent once the server has the offer.
   */
  async sendCandidate(candidate: IceCandidateInit): Promise<void> {
    if (this.heldCandidates !== null) {
      this.heldCandidates.push(candidate);
      return;
    }
    await this.hub.onIceCandidate(candidate);
  }

  private awaitAnswer(peer: string, send: () => Promise<void>): Promise<string> {
    if (this.pending !== null) {
      return Promise.reject(new One2OneError(`A call with ${this.pending.peer} is being set up already.`, "already-in-call"));
    }
    return new Promise<string>((resolve, reject) => {
      const pending: PendingAnswer = { peer, resolve, reject };
      this.pending = pending;
      const held: IceCandidateInit[] = [];
      this.heldCandidates = held;
      send().then(
        () => {
          if (this.heldCandidates === held) {
            this.heldCandidates = null;
          }
          for (const candidate of held) {
            this.hub.onIceCandidate(candidate).catch((error: unknown) => console.warn("A held ICE candidate was refused", error));
          }
        },
        (error: unknown) => {
          if (this.heldCandidates === held) {
            this.heldCandidates = null;
          }
          if (this.pending === pending) {
            this.pending = null;
          }
          reject(error);
        },
      );
    });
  }

  /** The connection closed for good: the close the app asked for with disconnect(), or a loss. */
  private closed(error: Error | undefined): void {
    this.started = false;
    const requested = this.leaving;
    this.leaving = false;
    this.settle(null, new ConnectionError("The connection to the server was lost.", "disconnected", { cause: error }));
    this.events.emit("close", error, requested);
  }

  /** Ends the awaited answer, if any, with the answer or an error. */
  private settle(sdpAnswer: string | null, error: One2OneError | null): void {
    const pending = this.pending;
    if (pending === null) {
      return;
    }
    this.pending = null;
    if (error !== null) {
      pending.reject(error);
    } else if (sdpAnswer !== null) {
      pending.resolve(sdpAnswer);
    }
  }

  private async invoke<T = void>(method: string, ...args: unknown[]): Promise<T> {
    try {
      return await this.connection.invoke<T>(method, ...args);
    } catch (error) {
      throw invocationError(error, this.connected);
    }
  }
}

/** Resolves once `promise` settles (either way) or `ms` have passed, whichever comes first. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([settled, timeUp]).finally(() => clearTimeout(timer));
}

/** How connect() fails while the app is leaving (disconnect()), or when disconnect() stopped it. */
function leftError(cause?: unknown): ConnectionError {
  return new ConnectionError("The connection was closed by disconnect().", "disconnected", cause === undefined ? undefined : { cause });
}

/** How a call being set up ends when this side ends it (the hub's Stop or Unregister). */
function endedHere(): One2OneError {
  return new One2OneError("The call was ended on this side.", "cancelled");
}

function rejection(message: string | null | undefined, reason: string | null | undefined, fallback: string): One2OneError {
  const words = message != null && message.trim() !== "" ? message : null;
  if (reason != null && isReason(reason)) {
    return new RejectedError(words ?? fallback, reason, words);
  }
  return new One2OneError(words ?? fallback, "server-error");
}
