using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Dtls.Records;

/// <summary>
/// The 13-byte DTLS record header (RFC 6347 §4.1): type, version, epoch, 48-bit sequence number, length.
/// </summary>
internal readonly record struct DtlsRecordHeader(DtlsContentType ContentType, ushort Version, ushort Epoch, long SequenceNumber, int Length)
{
    public const int Size = 13;

    /// <summary>DTLS 1.2 on the wire ({254, 253}, RFC 6347 §4.1).</summary>
    public const ushort Dtls12 = 0xFEFD;

    /// <summary>DTLS 1.0, which a client may put on the records of its ClientHello (RFC 6347 §4.1).</summary>
    public const ushort Dtls10 = 0xFEFF;

    /// <summary>RFC 6347 §4.1: 2^14 bytes of plaintext, plus room for an AEAD's nonce and tag (RFC 5246 §6.2.3).</summary>
    public const int MaxLength = (1 << 14) + 2048;

    public const long MaxSequenceNumber = (1L << 48) - 1;

    /// <summary>Reads a header; false if fewer than 13 bytes, an unknown content type or version, or a length past the data.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out DtlsRecordHeader header)
    {
        header = default;
        if (data.Length < Size)
        {
            return false;
        }

        var type = (DtlsContentType)data[0];
        var version = BinaryPrimitives.ReadUInt16BigEndian(data[1..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(data[11..]);
        if (type is < DtlsContentType.ChangeCipherSpec or > DtlsContentType.ApplicationData
            || version is not (Dtls12 or Dtls10)
            || length > MaxLength
            || data.Length - Size < length)
        {
            return false;
        }

        var sequence = ((long)BinaryPrimitives.ReadUInt16BigEndian(data[5..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(data[7..]);
        header = new DtlsRecordHeader(type, version, BinaryPrimitives.ReadUInt16BigEndian(data[3..]), sequence, length);
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)ContentType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], Version);
        WriteSequence(destination[3..], Epoch, SequenceNumber);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)Length);
    }

    /// <summary>The 8 bytes epoch || sequence_number, which DTLS uses as TLS's seq_num (RFC 6347 §4.1.2.1).</summary>
    public static void WriteSequence(Span<byte> destination, ushort epoch, long sequenceNumber)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, epoch);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(sequenceNumber >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)sequenceNumber);
    }
}
