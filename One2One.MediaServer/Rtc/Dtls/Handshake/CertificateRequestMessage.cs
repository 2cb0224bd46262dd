using One2One.MediaServer.Rtc.Dtls.Crypto;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// Our CertificateRequest (RFC 5246 §7.4.4): WebRTC authenticates the browser by its certificate's fingerprint
/// (RFC 8827 §6.5), so we always ask for one. No certificate_authorities: the certificates are self-signed.
/// </summary>
internal static class CertificateRequestMessage
{
    private const byte RsaSign = 1;
    private const byte EcdsaSign = 64;

    public static byte[] Write()
    {
        var writer = new TlsWriter(64);
        var types = writer.BeginVector(1);
        writer.WriteUInt8(EcdsaSign);
        writer.WriteUInt8(RsaSign);
        writer.EndVector(types, 1);

        var algorithms = writer.BeginVector(2);
        foreach (var scheme in TlsSignatureScheme.ClientCertificateVerify)
        {
            writer.WriteUInt16(scheme);
        }

        writer.EndVector(algorithms, 2);
        writer.WriteUInt16(0); // certificate_authorities: none
        return writer.ToArray();
    }
}
