using One2One.MediaServer.Rtc.Dtls.Crypto;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// Our ServerHello (RFC 5246 §7.4.1.3, RFC 6347 §4.2.1). The session_id is empty: this server does not resume
/// sessions (RFC 5246 §7.4.1.3 lets it say so), as every call makes a new DTLS association anyway. Only extensions
/// the client offered are answered (RFC 5246 §7.4.1.4).
/// </summary>
internal static class ServerHelloMessage
{
    public static byte[] Write(ReadOnlySpan<byte> serverRandom, DtlsCipherSuite suite, ushort srtpProfile, ClientHello hello)
    {
        var writer = new TlsWriter();
        writer.WriteUInt16(Records.DtlsRecordHeader.Dtls12);
        writer.WriteBytes(serverRandom);
        writer.WriteUInt8(0); // session_id<0..32>: empty
        writer.WriteUInt16(suite.Id);
        writer.WriteUInt8(0); // compression_method null

        var extensions = writer.BeginVector(2);
        if (hello.SignalsSecureRenegotiation)
        {
            // RFC 5746 §3.6: an empty renegotiated_connection on the initial handshake.
            writer.WriteUInt16(TlsExtensionType.RenegotiationInfo);
            writer.WriteUInt16(1);
            writer.WriteUInt8(0);
        }

        if (hello.OffersExtendedMasterSecret)
        {
            writer.WriteUInt16(TlsExtensionType.ExtendedMasterSecret);
            writer.WriteUInt16(0);
        }

        if (hello.PointFormats is not null)
        {
            // RFC 8422 §5.2: only uncompressed points.
            writer.WriteUInt16(TlsExtensionType.EcPointFormats);
            writer.WriteUInt16(2);
            writer.WriteUInt8(1);
            writer.WriteUInt8(TlsExtensionType.UncompressedPointFormat);
        }

        // RFC 5764 §4.1.1: one profile from the client's list, and an empty srtp_mki (we use no MKI).
        writer.WriteUInt16(TlsExtensionType.UseSrtp);
        writer.WriteUInt16(5);
        writer.WriteUInt16(2);
        writer.WriteUInt16(srtpProfile);
        writer.WriteUInt8(0);
        writer.EndVector(extensions, 2);
        return writer.ToArray();
    }
}
