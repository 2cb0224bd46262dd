using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// Reads TLS presentation-language fields (RFC 5246 §4) from a span: big-endian integers and vectors with a 1, 2 or
/// 3-byte length prefix. Every read is a Try: a short or lying input makes it return false, never throw.
/// </summary>
internal ref struct TlsReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _remaining = data;

    public readonly bool IsEmpty => _remaining.IsEmpty;

    public readonly int Remaining => _remaining.Length;

    public bool TryReadUInt8(out byte value)
    {
        value = 0;
        if (_remaining.IsEmpty)
        {
            return false;
        }

        value = _remaining[0];
        _remaining = _remaining[1..];
        return true;
    }

    public bool TryReadUInt16(out ushort value)
    {
        value = 0;
        if (_remaining.Length < 2)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(_remaining);
        _remaining = _remaining[2..];
        return true;
    }

    public bool TryReadUInt24(out int value)
    {
        value = 0;
        if (_remaining.Length < 3)
        {
            return false;
        }

        value = (_remaining[0] << 16) | (_remaining[1] << 8) | _remaining[2];
        _remaining = _remaining[3..];
        return true;
    }

    public bool TryReadBytes(int length, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (length < 0 || _remaining.Length < length)
        {
            return false;
        }

        value = _remaining[..length];
        _remaining = _remaining[length..];
        return true;
    }

    /// <summary>A vector with a one-byte length (opaque x&lt;0..2^8-1&gt;).</summary>
    public bool TryReadVector8(out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadUInt8(out var length) && TryReadBytes(length, out value);
    }

    /// <summary>A vector with a two-byte length (opaque x&lt;0..2^16-1&gt;).</summary>
    public bool TryReadVector16(out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadUInt16(out var length) && TryReadBytes(length, out value);
    }

    /// <summary>A vector with a three-byte length (opaque x&lt;0..2^24-1&gt;).</summary>
    public bool TryReadVector24(out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadUInt24(out var length) && TryReadBytes(length, out value);
    }
}
