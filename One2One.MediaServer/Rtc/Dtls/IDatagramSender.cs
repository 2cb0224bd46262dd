namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// Sends one datagram to the ICE-selected remote address. A <see cref="DtlsServerSession"/> calls it from whichever
/// thread runs its current step (a thread-pool work item or a timer callback), never concurrently for one session
/// (the session's lock serializes its sends). Must not block; may throw <see cref="System.Net.Sockets.SocketException"/>
/// or <see cref="ObjectDisposedException"/>, which the session treats as a lost datagram.
/// </summary>
internal interface IDatagramSender
{
    void Send(ReadOnlySpan<byte> datagram);
}
