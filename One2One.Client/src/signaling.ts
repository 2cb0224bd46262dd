// The typed face of the SignalR hub at /one2one (One2One.Server/Signaling). Nothing else in the
// client imports @microsoft/signalr.

import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";

/** An ICE candidate as RTCIceCandidate.toJSON() gives it (IceCandidateInit on the server). */
export interface IceCandidateInit {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
}

/** Machine-readable reasons (One2One.Server.Signaling.Reasons); unknown codes pass through. */
export type Reason =
  | "invalid-name"
  | "name-taken"
  | "already-registered"
  | "unknown-user"
  | "self-call"
  | "busy"
  | "no-answer"
  | "declined"
  | "cancelled"
  | "hung-up"
  | "peer-disconnected"
  | "media-error"
  | "ice-failed"
  | "media-server-lost"
  | "invalid-offer"
  | "rate-limited"
  | "server-busy"
  | "server-shutdown"
  | "name-not-allowed"
  | (string & {});

export type Response = "accepted" | "rejected";

/** An RTCIceServer: STUN servers without, TURN servers with a user name and a credential minted for this person. */
export interface IceServer {
  readonly urls: readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** The page's ICE configuration, in RTCConfiguration's own field names. */
export interface IceConfiguration {
  readonly iceServers: readonly IceServer[];
  readonly iceTransportPolicy: RTCIceTransportPolicy;
}

export interface RegisterResponse {
  readonly response: Response;
  readonly message?: string | null;
  readonly reason?: Reason | null;
  /** With an acceptance: the STUN/TURN servers for this person's calls. */
  readonly iceServers?: readonly IceServer[] | null;
  readonly iceTransportPolicy?: RTCIceTransportPolicy | null;
}

export interface CallResponse {
  readonly response: Response;
  readonly sdpAnswer?: string | null;
  readonly message?: string | null;
  readonly reason?: Reason | null;
}

export interface IncomingCall {
  readonly from: string;
}

export interface StartCommunication {
  readonly sdpAnswer: string;
}

export interface StopCommunication {
  readonly message?: string | null;
  readonly reason?: Reason | null;
}

export interface IceCandidateMessage {
  readonly candidate: IceCandidateInit;
}

/** The server's callbacks (IOne2OneClient), camelCased as SignalR's JSON protocol sends them. */
export interface ClientEvents {
  registerResponse(response: RegisterResponse): void;
  callResponse(response: CallResponse): void;
  incomingCall(call: IncomingCall): void;
  startCommunication(communication: StartCommunication): void;
  stopCommunication(communication: StopCommunication): void;
  iceCandidate(message: IceCandidateMessage): void;
}

/** The hub methods a browser invokes. Each rejects with a SignalingError on protocol misuse. */
export interface One2OneServer {
  register(name: string): Promise<void>;
  call(to: string, sdpOffer: string): Promise<void>;
  incomingCallResponse(from: string, callResponse: "accept" | "reject", sdpOffer: string | null): Promise<void>;
  stop(): Promise<void>;
  onIceCandidate(candidate: IceCandidateInit): Promise<void>;
  /** The ICE configuration with a fresh TURN credential (the one from registering expires). */
  getIceServers(): Promise<IceConfiguration>;
}

/** A failed invocation; message is what the server said (its HubException message) when it said anything. */
export class SignalingError extends Error {
  override readonly name = "SignalingError";
}

// A refused negotiate surfaces as "...: Status code '401'" (HttpError's message, wrapped by the client).
const refusedStatusPattern = /Status code '(401|403)'/;

function connectError(error: unknown): SignalingError {
  const text = error instanceof Error ? error.message : String(error);
  const status = refusedStatusPattern.exec(text)?.[1];
  if (status === "401") {
    return new SignalingError(
      "The server requires sign-in, and this page has no valid token (missing, expired or not signed by the server's key). Open the page with a fresh ?token=.",
      { cause: error },
    );
  }
  if (status === "403") {
    return new SignalingError("The server refused this sign-in: the token carries no name to register.", { cause: error });
  }
  return new SignalingError(`Could not reach the server (${text}).`, { cause: error });
}

// The server wraps a HubException as "An unexpected error occurred invoking 'X' on the server. HubException: <message>".
const hubExceptionPattern = /HubException: ([\s\S]*)$/;

function toSignalingError(error: unknown): SignalingError {
  const text = error instanceof Error ? error.message : String(error);
  const serverMessage = hubExceptionPattern.exec(text)?.[1]?.trim();
  return new SignalingError(serverMessage || text, { cause: error });
}

export class SignalingConnection implements One2OneServer {
  private readonly connection: HubConnection;
  private readonly closeHandlers: ((error: Error | undefined) => void)[] = [];

  /** @param accessToken a bearer token for servers that require sign-in (Auth:Mode=Jwt); browsers send it as access_token in the query string. */
  constructor(url = "/one2one", accessToken: string | null = null) {
    // No automatic reconnect: a new connection is a new connection id, which the server does not
    // know as registered, so the page goes back to "not registered" and the person registers again.
    this.connection = new HubConnectionBuilder()
      .withUrl(url, accessToken === null ? {} : { accessTokenFactory: () => accessToken })
      .configureLogging(LogLevel.Warning)
      .build();
    this.connection.onclose((error) => {
      for (const handler of this.closeHandlers) {
        handler(error);
      }
    });
  }

  get connected(): boolean {
    return this.connection.state === HubConnectionState.Connected;
  }

  on<K extends keyof ClientEvents>(event: K, handler: ClientEvents[K]): void {
    // The JS client matches callback names case-insensitively, so the camelCase key is the wire name.
    this.connection.on(event, handler as (...args: unknown[]) => void);
  }

  /** Called when an established connection closes, with the transport's error if it failed. */
  onClose(handler: (error: Error | undefined) => void): void {
    this.closeHandlers.push(handler);
  }

  /** Starts the connection if it is not up; rejects with a SignalingError when the server cannot be reached. */
  async ensureConnected(): Promise<void> {
    if (this.connection.state === HubConnectionState.Connected) {
      return;
    }
    if (this.connection.state !== HubConnectionState.Disconnected) {
      throw new SignalingError("The connection to the server is still being set up; try again in a moment.");
    }
    try {
      await this.connection.start();
    } catch (error) {
      throw connectError(error);
    }
  }

  register(name: string): Promise<void> {
    return this.invoke("Register", name);
  }

  call(to: string, sdpOffer: string): Promise<void> {
    return this.invoke("Call", to, sdpOffer);
  }

  incomingCallResponse(from: string, callResponse: "accept" | "reject", sdpOffer: string | null): Promise<void> {
    return this.invoke("IncomingCallResponse", from, callResponse, sdpOffer);
  }

  stop(): Promise<void> {
    return this.invoke("Stop");
  }

  onIceCandidate(candidate: IceCandidateInit): Promise<void> {
    return this.invoke("OnIceCandidate", candidate);
  }

  getIceServers(): Promise<IceConfiguration> {
    return this.invoke<IceConfiguration>("GetIceServers");
  }

  private async invoke<T = void>(method: string, ...args: unknown[]): Promise<T> {
    try {
      return await this.connection.invoke<T>(method, ...args);
    } catch (error) {
      throw toSignalingError(error);
    }
  }
}
