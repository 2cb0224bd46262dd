// The SDK's entry (dist/index.js): the signaling client, the softphone built on it, their errors and the
// hub's contract. The page (page.ts, ui.ts) is built on these and is not part of the library.

export { One2OneClient, type ConnectionState, type One2OneClientEvents, type One2OneClientOptions, type Registration, unregisterTimeoutMs } from "./signaling.js";
export { Softphone, type MediaState, type Notice, type SoftphoneEvents, type SoftphoneOptions } from "./softphone.js";
export { attemptTimeoutMs, disconnectedGraceMs, MediaReconnect, type ReconnectHost, type ReconnectState } from "./reconnect.js";
export { MediaAccessError, MediaCall, type MediaCallEvents, openLocalMedia } from "./call.js";
export {
  type ClientReason,
  ConnectionError,
  connectionError,
  type ErrorReason,
  invocationError,
  One2OneError,
  RefusedError,
  RejectedError,
} from "./errors.js";
export { type MessageKind, messageKind, outcomeText, reasonText } from "./reasons.js";
export {
  canHandle,
  describe,
  initialSnapshot,
  isCallPhase,
  type PhoneEvent,
  type PhoneEventKind,
  type PhoneSnapshot,
  type PhoneState,
  phoneStates,
  transition,
} from "./state.js";
export { MediaStateSync, type MediaStateSyncEvents } from "./features/media-state.js";
export { Presence, type PresenceEvents } from "./features/presence.js";
export { type CallQuality, callQuality, formatDuration, grade, type QualityGrade, sampleStats, type StatsSample } from "./features/call-quality.js";
export { CallStatsMonitor, type CallStatsEvents } from "./features/call-stats.js";
export { type ToneKind, Tones } from "./features/tones.js";
export { WaitingLock } from "./features/waiting-lock.js";
export { type NotificationApi, type NotifyingPage, RingNotifier, ringTag } from "./features/ring-notifier.js";
export { type DeviceList, MediaDevicesControl, type MediaDevicesEvents } from "./features/devices.js";
export { type MissedCall, MissedCalls, type MissedCallsEvents } from "./features/missed-calls.js";
export * from "./contract.js";
