using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.MediaServer.Relay;

/// <summary>
/// Keeps one outgoing stream of a sink continuous when its source changes (a renegotiated page's new endpoint, or a new
/// connect): the new source's sequence numbers and timestamps are shifted to follow the last ones sent. Without it the
/// receiving browser sees a jump on the same SSRC, and a jump backwards lands outside its SRTP replay window
/// (RFC 3711 §3.3.2) and is dropped until the new source's numbers catch up. The first source's numbers pass unchanged.
/// </summary>
/// <remarks>
/// Packets for one sink and kind come from whichever worker reads each source's socket; the state is under a lock of its
/// own, which only a source change (two sources sending at once, briefly) ever contends.
/// </remarks>
internal sealed class OutboundSequence(KurentoMediaType kind)
{
    private readonly Lock _gate = new();
    private readonly long _clockRate = kind == KurentoMediaType.Audio ? 48_000 : 90_000;
    private bool _started;
    private uint _source;
    private ushort _sequenceShift;
    private uint _timestampShift;
    private ushort _lastSequence;
    private uint _lastTimestamp;
    private long _lastSentAt;

    /// <summary>
    /// Shifts <paramref name="packet"/>'s sequence number and timestamp for a packet of <paramref name="sourceSsrc"/> sent at
    /// <paramref name="now"/> (TimeProvider ticks of <paramref name="frequency"/>). True when the source has just changed:
    /// the receiver needs a keyframe from the new one.
    /// </summary>
    public bool Rewrite(Span<byte> packet, uint sourceSsrc, ushort sequence, uint timestamp, long now, long frequency)
    {
        lock (_gate)
        {
            var changed = false;
            if (!_started)
            {
                _started = true;
                _source = sourceSsrc;
                _lastSequence = (ushort)(sequence - 1);
                _lastTimestamp = timestamp;
            }
            else if (sourceSsrc != _source)
            {
                // Continue one packet on, and as far in media time as has passed in real time (at least one tick).
                var elapsed = Math.Max(1, (now - _lastSentAt) * _clockRate / frequency);
                _sequenceShift = (ushort)(_lastSequence + 1 - sequence);
                _timestampShift = (uint)(_lastTimestamp + elapsed - timestamp);
                _source = sourceSsrc;
                changed = true;
            }

            var outSequence = (ushort)(sequence + _sequenceShift);
            var outTimestamp = timestamp + _timestampShift;
            if (_sequenceShift != 0 || _timestampShift != 0)
            {
                RtpHeader.SetSequenceNumber(packet, outSequence);
                RtpHeader.SetTimestamp(packet, outTimestamp);
            }

            // Serial-number order (RFC 3550 §A.1): a reordered older packet does not move the stream back.
            if ((short)(outSequence - _lastSequence) > 0)
            {
                _lastSequence = outSequence;
                _lastTimestamp = outTimestamp;
            }

            _lastSentAt = now;
            return changed;
        }
    }
}
