using One2One.MediaServer.Rtc.Dtls.Records;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// What a client that completed a real handshake can send its own validated address to make the server work: minimal
/// epoch 1 records (type application_data, version FEFD, a 24-byte body of random nonce and tag, no plaintext) under a
/// sequence number above any accepted, so the replay window lets every one through to authentication.
/// </summary>
internal static class ForgedRecords
{
    /// <summary>A record's size: the header, then nonce_explicit and tag.</summary>
    public const int RecordSize = DtlsRecordHeader.Size + DtlsRecordProtection.Overhead;

    /// <summary>As many as fit in one datagram of the session's largest size (2048 bytes).</summary>
    public const int PerDatagram = 55;

    /// <summary>Above anything a fresh connection accepted: BouncyCastle's records after the handshake start at 1.</summary>
    public const long Sequence = 1_000_000;

    /// <summary>Fills <paramref name="datagram"/> (<see cref="PerDatagram"/> × <see cref="RecordSize"/> bytes, or fewer records) with forged records.</summary>
    public static void Fill(Span<byte> datagram, Random random)
    {
        for (var at = 0; at + RecordSize <= datagram.Length; at += RecordSize)
        {
            var record = datagram.Slice(at, RecordSize);
            new DtlsRecordHeader(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 1, Sequence, DtlsRecordProtection.Overhead).Write(record);
            random.NextBytes(record[DtlsRecordHeader.Size..]);
        }
    }

    /// <summary>A new datagram of <paramref name="records"/> forged records.</summary>
    public static byte[] Datagram(Random random, int records = PerDatagram)
    {
        var datagram = new byte[records * RecordSize];
        Fill(datagram, random);
        return datagram;
    }
}
