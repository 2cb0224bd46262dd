using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Transport.Tcp;

/// <summary>What <see cref="Rfc4571Reader.TryRead"/> found.</summary>
internal enum FrameStatus
{
    /// <summary>A whole frame: its packet is in the frame span.</summary>
    Frame,

    /// <summary>No whole frame yet: read more into <see cref="Rfc4571Reader.FreeSpace"/>.</summary>
    NeedMore,

    /// <summary>The next frame announces more than the reader takes: the stream cannot be trusted further.</summary>
    TooLarge,
}

/// <summary>
/// Splits a TCP byte stream into the packets RFC 4571 §2 frames: each packet is preceded by its length as a 16-bit
/// unsigned integer in network order (RFC 6544 §3 uses this for ICE-TCP: STUN, DTLS, RTP and RTCP alike). Bytes go
/// into <see cref="FreeSpace"/> and are <see cref="Commit"/>ted; whole frames come out of <see cref="TryRead"/> in
/// order, wherever the stream was cut. One buffer, allocated once; one reader (the connection's loop) at a time.
/// </summary>
internal sealed class Rfc4571Reader
{
    private const int LengthPrefix = 2;

    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    /// <param name="maxFrameLength">Frames announcing more than this are <see cref="FrameStatus.TooLarge"/>.</param>
    public Rfc4571Reader(int maxFrameLength)
    {
        MaxFrameLength = maxFrameLength;
        _buffer = new byte[2 * (LengthPrefix + maxFrameLength)];
    }

    public int MaxFrameLength { get; }

    /// <summary>Where the next read from the connection goes (never empty while frames are being read out).</summary>
    public Memory<byte> FreeSpace
    {
        get
        {
            if (_start > 0 && _buffer.Length - _end < LengthPrefix + MaxFrameLength)
            {
                // Move the unread tail to the front so a whole frame always fits after it.
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            return _buffer.AsMemory(_end);
        }
    }

    public void Commit(int read) => _end += read;

    /// <summary>The next whole frame, if the bytes so far hold one.</summary>
    public FrameStatus TryRead(out ReadOnlySpan<byte> frame)
    {
        frame = default;
        var available = _end - _start;
        if (available < LengthPrefix)
        {
            return FrameStatus.NeedMore;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start));
        if (length > MaxFrameLength)
        {
            return FrameStatus.TooLarge;
        }

        if (available < LengthPrefix + length)
        {
            return FrameStatus.NeedMore;
        }

        frame = _buffer.AsSpan(_start + LengthPrefix, length);
        _start += LengthPrefix + length;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return FrameStatus.Frame;
    }

    /// <summary>Writes <paramref name="packet"/> framed into <paramref name="destination"/>; returns the framed length.</summary>
    public static int Frame(ReadOnlySpan<byte> packet, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, checked((ushort)packet.Length));
        packet.CopyTo(destination[LengthPrefix..]);
        return LengthPrefix + packet.Length;
    }
}
