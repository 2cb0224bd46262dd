namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// Sends one datagram to the ICE-selected remote address. Called from the DTLS handshake thread and from the
/// thread-pool work item that handles post-handshake records, never concurrently for one session (the session
/// serializes its sends). Must not block; may throw <see cref="System.Net.Sockets.SocketException"/> or
/// <see cref="ObjectDisposedException"/>, which the session treats as a lost datagram.
/// </summary>
internal interface IDatagramSender
{
    void Send(ReadOnlySpan<byte> datagram);
}
