import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callQuality, formatDuration, grade, sampleStats, type StatsSample } from "../../src/features/call-quality.js";

const sample = (over: Partial<StatsSample>): StatsSample => ({
  timestamp: 0,
  bytesSent: 0,
  bytesReceived: 0,
  packetsReceived: 0,
  packetsLost: 0,
  roundTripTime: null,
  frameWidth: null,
  frameHeight: null,
  framesPerSecond: null,
  ...over,
});

describe("call quality", () => {
  it("reads the counters of a getStats() report: RTP both ways and the nominated pair's round trip", () => {
    const report = new Map<string, { type: string; [key: string]: unknown }>([
      ["o1", { type: "outbound-rtp", kind: "video", bytesSent: 1000 }],
      ["o2", { type: "outbound-rtp", kind: "audio", bytesSent: 200 }],
      ["i1", { type: "inbound-rtp", kind: "video", bytesReceived: 3000, packetsReceived: 30, packetsLost: 2, frameWidth: 640, frameHeight: 480, framesPerSecond: 29.5 }],
      ["i2", { type: "inbound-rtp", kind: "audio", bytesReceived: 500, packetsReceived: 50, packetsLost: -1 }],
      ["p0", { type: "candidate-pair", nominated: false, state: "succeeded", currentRoundTripTime: 9 }],
      ["p1", { type: "candidate-pair", nominated: true, state: "succeeded", currentRoundTripTime: 0.042 }],
    ]);
    const read = sampleStats(report, 1234);
    assert.deepEqual(read, {
      timestamp: 1234, bytesSent: 1200, bytesReceived: 3500, packetsReceived: 80, packetsLost: 2,
      roundTripTime: 0.042, frameWidth: 640, frameHeight: 480, framesPerSecond: 29.5,
    });
  });

  it("rates are per second between two samples, loss is a share of the packets expected in between", () => {
    const before = sample({ timestamp: 1000, bytesSent: 0, bytesReceived: 0, packetsReceived: 100, packetsLost: 0 });
    const after = sample({
      timestamp: 3000, bytesSent: 250_000, bytesReceived: 500_000, packetsReceived: 196, packetsLost: 4,
      roundTripTime: 0.02, frameWidth: 640, frameHeight: 480, framesPerSecond: 30,
    });
    const quality = callQuality(before, after);
    assert.equal(quality.bitrateOutKbps, 1000);
    assert.equal(quality.bitrateInKbps, 2000);
    assert.equal(quality.packetLossPercent, 4);
    assert.equal(quality.roundTripTimeMs, 20);
    assert.equal(quality.resolution, "640×480");
    assert.equal(quality.framesPerSecond, 30);
    assert.equal(quality.grade, "fair", "4 % loss is more than the 1 % a good call has");
  });

  it("the first sample of a call has no rates yet and no loss", () => {
    const quality = callQuality(null, sample({ timestamp: 5, bytesSent: 9999, packetsLost: 50 }));
    assert.equal(quality.bitrateInKbps, 0);
    assert.equal(quality.bitrateOutKbps, 0);
    assert.equal(quality.packetLossPercent, 0);
    assert.equal(quality.roundTripTimeMs, null);
    assert.equal(quality.resolution, null);
    assert.equal(quality.grade, "good");
  });

  it("grades: good up to 150 ms and 1 %, fair up to 400 ms and 5 %, poor beyond either", () => {
    assert.equal(grade(null, 0), "good");
    assert.equal(grade(150, 1), "good");
    assert.equal(grade(151, 0), "fair");
    assert.equal(grade(20, 1.5), "fair");
    assert.equal(grade(400, 5), "fair");
    assert.equal(grade(401, 0), "poor");
    assert.equal(grade(10, 5.1), "poor");
  });

  it("the call timer shows m:ss, and h:mm:ss from an hour on", () => {
    assert.equal(formatDuration(0), "0:00");
    assert.equal(formatDuration(59_999), "0:59");
    assert.equal(formatDuration(61_000), "1:01");
    assert.equal(formatDuration(3_600_000 + 5 * 60_000 + 7_000), "1:05:07");
    assert.equal(formatDuration(-5), "0:00");
  });
});
