// The hub's contract (One2One.Server/Signaling): method names, message records and reason codes.

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

export interface RegisterResponse {
  readonly response: Response;
  readonly message?: string | null;
  readonly reason?: Reason | null;
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
}
