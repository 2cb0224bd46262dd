using System.Runtime.CompilerServices;

namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>
/// A small fixed set of SSRC pairs (from → to, with what to add to the stream's sequence numbers and RTP timestamps on
/// the way: zero unless the relay renumbers that stream), held inline so that copying or passing it by
/// <c>in</c> never allocates. A value type: its owner decides who may change it and when
/// (typically built at negotiation, then read by one receive loop).
/// </summary>
internal struct SsrcMap
{
    public const int Capacity = 16;

    private Pairs _pairs;
    private int _count;

    public readonly int Count => _count;

    /// <summary>Adds or replaces the mapping of <paramref name="from"/>; false when the map is full.</summary>
    public bool TrySet(uint from, uint to, ushort sequenceShift = 0, uint timestampShift = 0)
    {
        var pair = new SsrcPair(from, to, sequenceShift, timestampShift);
        for (int i = 0; i < _count; i++)
        {
            if (_pairs[i].From == from)
            {
                _pairs[i] = pair;
                return true;
            }
        }

        if (_count == Capacity)
        {
            return false;
        }

        _pairs[_count++] = pair;
        return true;
    }

    public bool Remove(uint from)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_pairs[i].From == from)
            {
                _pairs[i] = _pairs[--_count];
                return true;
            }
        }

        return false;
    }

    public readonly bool TryMap(uint ssrc, out uint mapped) => TryMap(ssrc, out mapped, out _, out _);

    /// <summary>The mapping of <paramref name="ssrc"/> and what to add to that stream's sequence numbers and RTP timestamps.</summary>
    public readonly bool TryMap(uint ssrc, out uint mapped, out ushort sequenceShift, out uint timestampShift)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_pairs[i].From == ssrc)
            {
                (mapped, sequenceShift, timestampShift) = (_pairs[i].To, _pairs[i].SequenceShift, _pairs[i].TimestampShift);
                return true;
            }
        }

        (mapped, sequenceShift, timestampShift) = (0, 0, 0);
        return false;
    }

    private readonly record struct SsrcPair(uint From, uint To, ushort SequenceShift, uint TimestampShift);

    [InlineArray(Capacity)]
    private struct Pairs
    {
        private SsrcPair _element;
    }
}
