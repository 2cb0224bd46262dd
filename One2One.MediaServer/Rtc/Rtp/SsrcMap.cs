using System.Runtime.CompilerServices;

namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>
/// A small fixed set of SSRC pairs (from → to), held inline so that copying or passing it by
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
    public bool TrySet(uint from, uint to)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_pairs[i].From == from)
            {
                _pairs[i] = new SsrcPair(from, to);
                return true;
            }
        }

        if (_count == Capacity)
        {
            return false;
        }

        _pairs[_count++] = new SsrcPair(from, to);
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

    public readonly bool TryMap(uint ssrc, out uint mapped)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_pairs[i].From == ssrc)
            {
                mapped = _pairs[i].To;
                return true;
            }
        }

        mapped = 0;
        return false;
    }

    private readonly record struct SsrcPair(uint From, uint To);

    [InlineArray(Capacity)]
    private struct Pairs
    {
        private SsrcPair _element;
    }
}
