using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// The 12-byte DTLS handshake header (RFC 6347 §4.2.2): msg_type, length (of the whole message), message_seq,
/// fragment_offset and fragment_length (of this fragment).
/// </summary>
internal readonly record struct HandshakeHeader(HandshakeType Type, int Length, int MessageSequence, int FragmentOffset, int FragmentLength)
{
    public const int Size = 12;

    /// <summary>Reads a header whose fragment lies within <paramref name="data"/> and within the message.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out HandshakeHeader header)
    {
        header = default;
        if (data.Length < Size)
        {
            return false;
        }

        var length = ReadUInt24(data[1..]);
        var offset = ReadUInt24(data[6..]);
        var fragmentLength = ReadUInt24(data[9..]);
        if (offset + fragmentLength > length || data.Length - Size < fragmentLength)
        {
            return false;
        }

        header = new HandshakeHeader((HandshakeType)data[0], length, BinaryPrimitives.ReadUInt16BigEndian(data[4..]), offset, fragmentLength);
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)Type;
        WriteUInt24(destination[1..], Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)MessageSequence);
        WriteUInt24(destination[6..], FragmentOffset);
        WriteUInt24(destination[9..], FragmentLength);
    }

    private static int ReadUInt24(ReadOnlySpan<byte> data) => (data[0] << 16) | (data[1] << 8) | data[2];

    private static void WriteUInt24(Span<byte> destination, int value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }
}
