using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Tls;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// Connects a <see cref="DtlsServerSession"/> and a BouncyCastle DTLS client in memory, as the socket loop would:
/// client datagrams go to <see cref="DtlsServerSession.OnDatagram"/> (through an optional tamperer), server
/// datagrams land in the client's queue (through an optional filter that can drop them).
/// </summary>
internal sealed class DtlsTestPipe : IDatagramSender, DatagramTransport, IDisposable
{
    private readonly DtlsDatagramQueue _toClient = new(256, 4096);
    private int _serverDatagrams;

    public DtlsTestPipe(DtlsServerSession? session = null) => Session = session;

    public DtlsServerSession? Session { get; set; }

    /// <summary>Replaces the delivery of one client datagram to the server; call <c>deliver</c> to pass datagrams on.</summary>
    public Action<byte[], Action<byte[]>>? ClientToServer { get; set; }

    /// <summary>Returns false to lose a server datagram on its way to the client.</summary>
    public Func<byte[], bool>? ServerToClient { get; set; }

    public int ServerDatagrams => Volatile.Read(ref _serverDatagrams);

    // IDatagramSender: the server session sends here.
    void IDatagramSender.Send(ReadOnlySpan<byte> datagram)
    {
        Interlocked.Increment(ref _serverDatagrams);
        var copy = datagram.ToArray();
        if (ServerToClient?.Invoke(copy) ?? true)
        {
            _toClient.TryEnqueue(copy);
        }
    }

    // DatagramTransport: the client's side.
    public int GetReceiveLimit() => 4096;

    public int GetSendLimit() => 1200;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis) => _toClient.Dequeue(buffer, waitMillis == 0 ? Timeout.Infinite : waitMillis, default);

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        var copy = buffer.ToArray();
        if (ClientToServer is { } tamper)
        {
            tamper(copy, d => Session!.OnDatagram(d));
        }
        else
        {
            Session!.OnDatagram(copy);
        }
    }

    public void Close()
    {
    }

    public void Dispose() => _toClient.Dispose();

    /// <summary>Runs the client handshake on its own thread, as a browser would run it concurrently.</summary>
    public Task<DtlsTransport> ConnectClient(TestDtlsSrtpClient client) =>
        Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, this), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
