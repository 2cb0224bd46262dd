namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>A DTLS-SRTP handshake failed; <see cref="Exception.Message"/> says why in words a log reader can act on.</summary>
internal sealed class DtlsHandshakeException : Exception
{
    public DtlsHandshakeException(string message)
        : base(message)
    {
    }

    public DtlsHandshakeException(string message, bool clientHelloReceived)
        : base(message)
    {
        ClientHelloReceived = clientHelloReceived;
    }

    public DtlsHandshakeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>False when the browser never started the handshake (it timed out waiting for a ClientHello): routine, not a fault.</summary>
    public bool ClientHelloReceived { get; } = true;
}
