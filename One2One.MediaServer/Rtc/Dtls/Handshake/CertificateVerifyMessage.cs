namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>The client's CertificateVerify (RFC 5246 §7.4.8): a SignatureAndHashAlgorithm and signature&lt;0..2^16-1&gt;.</summary>
internal static class CertificateVerifyMessage
{
    public static bool TryRead(ReadOnlySpan<byte> body, out ushort scheme, out ReadOnlySpan<byte> signature)
    {
        signature = default;
        var reader = new TlsReader(body);
        return reader.TryReadUInt16(out scheme) && reader.TryReadVector16(out signature) && !signature.IsEmpty && reader.IsEmpty;
    }
}
