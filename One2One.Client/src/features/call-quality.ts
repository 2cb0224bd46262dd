// Call quality from RTCPeerConnection.getStats() (W3C webrtc-stats): a sample of the counters that matter, and the
// rates and grade between two samples. Pure: no timers and no DOM, so it is unit-tested in Node.

/** The counters of one getStats() report that call quality is computed from. */
export interface StatsSample {
  /** Milliseconds (the reports' timestamp). */
  readonly timestamp: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
  /** The selected candidate pair's currentRoundTripTime, in seconds; null before one is measured. */
  readonly roundTripTime: number | null;
  readonly frameWidth: number | null;
  readonly frameHeight: number | null;
  readonly framesPerSecond: number | null;
}

export type QualityGrade = "good" | "fair" | "poor";

export interface CallQuality {
  readonly roundTripTimeMs: number | null;
  readonly bitrateInKbps: number;
  readonly bitrateOutKbps: number;
  /** Percent of the packets expected in the interval that were lost. */
  readonly packetLossPercent: number;
  readonly resolution: string | null;
  readonly framesPerSecond: number | null;
  readonly grade: QualityGrade;
}

interface StatsEntry {
  readonly type: string;
  readonly [key: string]: unknown;
}

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
const optional = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** Reads a sample from a getStats() report (any map of stats entries by id). */
export function sampleStats(report: { forEach(callback: (entry: StatsEntry) => void): void }, now: number): StatsSample {
  let bytesSent = 0;
  let bytesReceived = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let roundTripTime: number | null = null;
  let frameWidth: number | null = null;
  let frameHeight: number | null = null;
  let framesPerSecond: number | null = null;
  report.forEach((entry) => {
    if (entry.type === "outbound-rtp") {
      bytesSent += num(entry["bytesSent"]);
    } else if (entry.type === "inbound-rtp") {
      bytesReceived += num(entry["bytesReceived"]);
      packetsReceived += num(entry["packetsReceived"]);
      packetsLost += Math.max(0, num(entry["packetsLost"]));
      if (entry["kind"] === "video") {
        frameWidth = optional(entry["frameWidth"]);
        frameHeight = optional(entry["frameHeight"]);
        framesPerSecond = optional(entry["framesPerSecond"]);
      }
    } else if (entry.type === "candidate-pair" && entry["nominated"] === true && entry["state"] === "succeeded") {
      roundTripTime = optional(entry["currentRoundTripTime"]) ?? roundTripTime;
    }
  });
  return { timestamp: now, bytesSent, bytesReceived, packetsReceived, packetsLost, roundTripTime, frameWidth, frameHeight, framesPerSecond };
}

/** The grade the page shows: poor past 400 ms or 5 % loss, fair past 150 ms or 1 %, good otherwise. */
export function grade(roundTripTimeMs: number | null, packetLossPercent: number): QualityGrade {
  const rtt = roundTripTimeMs ?? 0;
  if (rtt > 400 || packetLossPercent > 5) {
    return "poor";
  }
  if (rtt > 150 || packetLossPercent > 1) {
    return "fair";
  }
  return "good";
}

/** The call's quality over the interval between two samples (the first one of a call has no earlier: rates 0). */
export function callQuality(previous: StatsSample | null, current: StatsSample): CallQuality {
  const seconds = previous === null ? 0 : (current.timestamp - previous.timestamp) / 1000;
  const rate = (now: number, before: number) => (seconds > 0 ? Math.max(0, (now - before) * 8) / 1000 / seconds : 0);
  const received = previous === null ? 0 : current.packetsReceived - previous.packetsReceived;
  const lost = previous === null ? 0 : current.packetsLost - previous.packetsLost;
  const expected = Math.max(0, received) + Math.max(0, lost);
  const packetLossPercent = expected > 0 ? (Math.max(0, lost) * 100) / expected : 0;
  const roundTripTimeMs = current.roundTripTime === null ? null : current.roundTripTime * 1000;
  return {
    roundTripTimeMs,
    bitrateInKbps: previous === null ? 0 : rate(current.bytesReceived, previous.bytesReceived),
    bitrateOutKbps: previous === null ? 0 : rate(current.bytesSent, previous.bytesSent),
    packetLossPercent,
    resolution: current.frameWidth && current.frameHeight ? `${current.frameWidth}×${current.frameHeight}` : null,
    framesPerSecond: current.framesPerSecond,
    grade: grade(roundTripTimeMs, packetLossPercent),
  };
}

/** "m:ss", or "h:mm:ss" from an hour on: the call timer. */
export function formatDuration(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}
