using One2One.MediaServer.Rtc.Dtls.Crypto;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// The ECDHE ServerKeyExchange (RFC 8422 §5.4): ServerECDHParams (named_curve secp256r1 and our uncompressed point)
/// and their signature over client_random + server_random + params, with ecdsa_secp256r1_sha256 (RFC 5246 §4.7).
/// </summary>
internal static class ServerKeyExchangeMessage
{
    public static byte[] Write(ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, EcdheP256 key, DtlsCertificate certificate)
    {
        var writer = new TlsWriter(256);
        writer.WriteUInt8(EcdheP256.NamedCurveType);
        writer.WriteUInt16(EcdheP256.NamedGroup);
        writer.WriteUInt8(EcdheP256.PointLength);
        key.WritePublicPoint(writer.Reserve(EcdheP256.PointLength));
        var parameters = writer.Written;

        var signed = new byte[2 * TlsKeySchedule.RandomLength + parameters.Length];
        clientRandom.CopyTo(signed);
        serverRandom.CopyTo(signed.AsSpan(TlsKeySchedule.RandomLength));
        parameters.CopyTo(signed.AsSpan(2 * TlsKeySchedule.RandomLength));
        var signature = certificate.SignSha256(signed);

        writer.WriteUInt16(TlsSignatureScheme.EcdsaSecp256r1Sha256);
        var vector = writer.BeginVector(2);
        writer.WriteBytes(signature);
        writer.EndVector(vector, 2);
        return writer.ToArray();
    }
}
