namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>The ECDHE ClientKeyExchange (RFC 8422 §5.7): ClientECDiffieHellmanPublic, an ECPoint&lt;1..2^8-1&gt;.</summary>
internal static class ClientKeyExchangeMessage
{
    public static bool TryRead(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> point)
    {
        var reader = new TlsReader(body);
        return reader.TryReadVector8(out point) && !point.IsEmpty && reader.IsEmpty;
    }
}
