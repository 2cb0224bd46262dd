// The hub's contract, generated from the C# one (One2One.Server/Contracts) by One2One.Tests/ClientSdk: do not edit.
// ClientContractTests fails when this file and the C# disagree; to regenerate it after a change to the C# contract:
//   ONE2ONE_WRITE_CONTRACT=1 dotnet test --filter FullyQualifiedName~ClientContractTests

/** Why a registration or a call was refused, or why a call ended (Reasons). */
export const reasons = [
  "invalid-name",
  "name-taken",
  "already-registered",
  "unknown-user",
  "self-call",
  "busy",
  "unavailable",
  "no-answer",
  "declined",
  "cancelled",
  "hung-up",
  "peer-disconnected",
  "media-error",
  "ice-failed",
  "media-server-lost",
  "invalid-offer",
  "server-shutdown",
  "rate-limited",
  "server-busy",
  "name-not-allowed",
  "resume-expired",
  "resume-refused",
] as const;
export type Reason = (typeof reasons)[number];

/** Why an invocation was refused (HubRejection): the code before ": " in the HubException's message. */
export const refusals = [
  "not-registered",
  "missing-offer",
  "offer-too-large",
  "already-in-call",
  "no-such-call",
  "not-ringing",
  "invalid-answer",
  "invalid-candidate",
  "no-call",
  "invalid-request",
] as const;
export type Refusal = (typeof refusals)[number];

/** The response of a RegisterResponse or CallResponse (Responses). */
export const responses = [
  "accepted",
  "rejected",
] as const;
export type ResponseValue = (typeof responses)[number];

/** The callResponse argument of IncomingCallResponse (CallAnswers). */
export const callAnswers = [
  "accept",
  "reject",
] as const;
export type CallAnswer = (typeof callAnswers)[number];

/** The hub's method names (One2OneHub), by the name the client uses. */
export const hubMethods = {
  register: "Register",
  resume: "Resume",
  call: "Call",
  incomingCallResponse: "IncomingCallResponse",
  stop: "Stop",
  unregister: "Unregister",
  getIceServers: "GetIceServers",
  renegotiate: "Renegotiate",
  setMediaState: "SetMediaState",
  onIceCandidate: "OnIceCandidate",
} as const;

/** RegisterResponse (a C# record). */
export interface RegisterResponse {
  readonly response: ResponseValue;
  readonly message?: string | null;
  readonly reason?: Reason | null;
  readonly iceServers?: readonly IceServer[] | null;
  readonly iceTransportPolicy?: string | null;
  readonly resumeToken?: string | null;
  readonly resumedCallWith?: string | null;
  readonly name?: string | null;
}

/** IceServer (a C# record). */
export interface IceServer {
  readonly urls: readonly string[];
  readonly username?: string | null;
  readonly credential?: string | null;
}

/** CallResponse (a C# record). */
export interface CallResponse {
  readonly response: ResponseValue;
  readonly sdpAnswer?: string | null;
  readonly message?: string | null;
  readonly reason?: Reason | null;
}

/** IncomingCall (a C# record). */
export interface IncomingCall {
  readonly from: string;
}

/** StartCommunication (a C# record). */
export interface StartCommunication {
  readonly sdpAnswer: string;
}

/** StopCommunication (a C# record). */
export interface StopCommunication {
  readonly message?: string | null;
  readonly reason?: Reason | null;
}

/** IceCandidate (a C# record). */
export interface IceCandidate {
  readonly candidate: IceCandidateInit;
}

/** IceCandidateInit (a C# record). */
export interface IceCandidateInit {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
}

/** Renegotiated (a C# record). */
export interface Renegotiated {
  readonly sdpAnswer: string;
}

/** PeerReconnecting (a C# record). */
export interface PeerReconnecting {
  readonly peer: string;
}

/** PeerReconnected (a C# record). */
export interface PeerReconnected {
  readonly peer: string;
}

/** MediaState (a C# record). */
export interface MediaState {
  readonly audio: boolean;
  readonly video: boolean;
}

/** OnlineUserList (a C# record). */
export interface OnlineUserList {
  readonly names: readonly string[];
  readonly truncated: boolean;
}

/** PresenceChange (a C# record). */
export interface PresenceChange {
  readonly name: string;
  readonly online: boolean;
}

/** IceConfiguration (a C# record). */
export interface IceConfiguration {
  readonly iceServers: readonly IceServer[];
  readonly iceTransportPolicy: string;
}

/** The server's callbacks (IOne2OneClient), by the camelCase name SignalR's JSON protocol sends. */
export interface ClientEvents {
  registerResponse(response: RegisterResponse): void;
  callResponse(response: CallResponse): void;
  incomingCall(call: IncomingCall): void;
  startCommunication(communication: StartCommunication): void;
  stopCommunication(communication: StopCommunication): void;
  iceCandidate(candidate: IceCandidate): void;
  renegotiated(renegotiated: Renegotiated): void;
  peerReconnecting(reconnecting: PeerReconnecting): void;
  peerReconnected(reconnected: PeerReconnected): void;
  peerMediaState(state: MediaState): void;
  onlineUsers(users: OnlineUserList): void;
  presenceChanged(change: PresenceChange): void;
}

/** The hub's methods (One2OneHub); each resolves when the server has handled the invocation. */
export interface One2OneServer {
  register(name: string): Promise<void>;
  resume(name: string, resumeToken: string): Promise<void>;
  call(to: string, sdpOffer: string): Promise<void>;
  incomingCallResponse(from: string, callResponse: CallAnswer, sdpOffer: string | null): Promise<void>;
  stop(): Promise<void>;
  unregister(): Promise<void>;
  getIceServers(): Promise<IceConfiguration>;
  renegotiate(sdpOffer: string): Promise<void>;
  setMediaState(state: MediaState): Promise<void>;
  onIceCandidate(candidate: IceCandidateInit): Promise<void>;
}
