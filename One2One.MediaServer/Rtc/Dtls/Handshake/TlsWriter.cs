using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// Builds a handshake message body in TLS presentation language (RFC 5246 §4): big-endian integers and vectors whose
/// length prefix is patched in when the vector ends. Growable; for the few messages of a handshake.
/// </summary>
internal sealed class TlsWriter
{
    private byte[] _buffer;
    private int _length;

    public TlsWriter(int capacity = 256) => _buffer = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => Written.ToArray();

    public void WriteUInt8(byte value) => Take(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);

    public void WriteUInt24(int value)
    {
        var span = Take(3);
        span[0] = (byte)(value >> 16);
        span[1] = (byte)(value >> 8);
        span[2] = (byte)value;
    }

    public void WriteBytes(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

    /// <summary>Room for <paramref name="length"/> bytes the caller fills itself.</summary>
    public Span<byte> Reserve(int length) => Take(length);

    /// <summary>Starts a vector with a <paramref name="prefixLength"/>-byte length; pass the result to <see cref="EndVector"/>.</summary>
    public int BeginVector(int prefixLength)
    {
        Take(prefixLength);
        return _length;
    }

    public void EndVector(int start, int prefixLength)
    {
        var length = _length - start;
        var prefix = _buffer.AsSpan(start - prefixLength, prefixLength);
        for (var i = prefixLength - 1; i >= 0; i--)
        {
            prefix[i] = (byte)length;
            length >>= 8;
        }

        if (length != 0)
        {
            throw new InvalidOperationException("The vector is longer than its length prefix can say.");
        }
    }

    private Span<byte> Take(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
