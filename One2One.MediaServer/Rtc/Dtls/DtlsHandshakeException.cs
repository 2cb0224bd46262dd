namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>A DTLS-SRTP handshake failed; <see cref="Exception.Message"/> says why in words a log reader can act on.</summary>
internal sealed class DtlsHandshakeException : Exception
{
    public DtlsHandshakeException(string message)
        : base(message)
    {
    }

    public DtlsHandshakeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
