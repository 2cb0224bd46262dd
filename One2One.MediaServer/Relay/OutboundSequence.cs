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
/// <para>
/// A packet of the new source older than its first one (reordered on the way) would land on a number already sent with
/// the old source's payload: the same SRTP index twice on one SSRC, which with AES-GCM reuses a nonce. It is dropped
/// (<see cref="RewriteResult.Stale"/>) until the stream has gone well past the change. (A new source whose numbers
/// jumped forward by more than half the sequence space right after the change would be held back that long; browsers
/// number each stream on by one.)
/// </para>
/// <para>
/// RTCP about the stream is translated with the same shift (<see cref="Shift"/>): a sender report's RTP time, a NACK's
/// and a report block's sequence numbers.
/// </para>
/// <para>
/// Packets for one sink and kind come from whichever worker reads each source's socket; the state is under a lock of its
/// own, which a source change (two sources sending at once, briefly) and the RTCP path's reads of <see cref="Shift"/>
/// (a few per compound, a few compounds a second) contend, never one packet another's for long.
/// </para>
/// </remarks>
internal sealed class OutboundSequence(KurentoMediaType kind)
{
    /// <summary>How far past a change the stream goes before a packet numbered before the change is no longer told apart.</summary>
    private const short ChangeHorizon = 16_384;

    private readonly Lock _gate = new();
    private readonly long _clockRate = kind == KurentoMediaType.Audio ? 48_000 : 90_000;
    private bool _started;
    private uint _source;
    private ushort _sequenceShift;
    private uint _timestampShift;
    private ushort _lastSequence;
    private uint _lastTimestamp;
    private long _lastSentAt;
    private bool _changeNear;
    private ushort _firstAfterChange;

    /// <summary>What is added to the current source's sequence numbers and RTP timestamps (mod 2^16 and 2^32).</summary>
    public StreamShift Shift
    {
        get
        {
            lock (_gate)
            {
                return new StreamShift(_sequenceShift, _timestampShift);
            }
        }
    }

    /// <summary>
    /// Shifts <paramref name="packet"/>'s sequence number and timestamp for a packet of <paramref name="sourceSsrc"/> sent at
    /// <paramref name="now"/> (TimeProvider ticks of <paramref name="frequency"/>). <see cref="RewriteResult.SourceChanged"/>
    /// when the source has just changed (the receiver needs a keyframe from the new one); <see cref="RewriteResult.Stale"/>
    /// when the packet must not be sent.
    /// </summary>
    public RewriteResult Rewrite(Span<byte> packet, uint sourceSsrc, ushort sequence, uint timestamp, long now, long frequency)
    {
        lock (_gate)
        {
            var result = RewriteResult.Send;
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
                _changeNear = true;
                _firstAfterChange = (ushort)(_lastSequence + 1);
                result = RewriteResult.SourceChanged;
            }

            var outSequence = (ushort)(sequence + _sequenceShift);
            if (_changeNear)
            {
                if ((short)(outSequence - _firstAfterChange) < 0)
                {
                    return RewriteResult.Stale;
                }

                _changeNear = (short)(_lastSequence - _firstAfterChange) < ChangeHorizon;
            }

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
            return result;
        }
    }
}

/// <summary>What <see cref="OutboundSequence.Rewrite"/> made of a packet.</summary>
internal enum RewriteResult
{
    /// <summary>Send it, rewritten.</summary>
    Send,

    /// <summary>Send it, rewritten: the first of a new source (its receiver needs a keyframe).</summary>
    SourceChanged,

    /// <summary>Do not send it: a packet of the new source from before its first one, whose number was the old source's.</summary>
    Stale,
}

/// <summary>What a sink's outgoing stream adds to its source's sequence numbers and RTP timestamps (both wrap).</summary>
internal readonly record struct StreamShift(ushort Sequence, uint Timestamp)
{
    /// <summary>The shift that undoes this one (from the sink's numbers back to the source's).</summary>
    public StreamShift Inverse => new((ushort)-Sequence, (uint)-Timestamp);
}
