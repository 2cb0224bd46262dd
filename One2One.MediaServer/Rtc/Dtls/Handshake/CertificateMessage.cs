namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>The Certificate message (RFC 5246 §7.4.2): certificate_list&lt;0..2^24-1&gt; of ASN.1Cert&lt;1..2^24-1&gt;.</summary>
internal static class CertificateMessage
{
    public static byte[] Write(ReadOnlySpan<byte> certificateDer)
    {
        var writer = new TlsWriter(certificateDer.Length + 6);
        var list = writer.BeginVector(3);
        var entry = writer.BeginVector(3);
        writer.WriteBytes(certificateDer);
        writer.EndVector(entry, 3);
        writer.EndVector(list, 3);
        return writer.ToArray();
    }

    /// <summary>
    /// The end-entity certificate (the first of the list), or empty when the client sent none. WebRTC peers send one
    /// self-signed certificate; any further ones are not looked at (the fingerprint authenticates the first).
    /// </summary>
    public static bool TryReadFirst(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> endEntity)
    {
        endEntity = default;
        var reader = new TlsReader(body);
        if (!reader.TryReadVector24(out var list) || !reader.IsEmpty)
        {
            return false;
        }

        var certificates = new TlsReader(list);
        while (!certificates.IsEmpty)
        {
            if (!certificates.TryReadVector24(out var certificate) || certificate.IsEmpty)
            {
                return false;
            }

            if (endEntity.IsEmpty)
            {
                endEntity = certificate;
            }
        }

        return true;
    }
}
