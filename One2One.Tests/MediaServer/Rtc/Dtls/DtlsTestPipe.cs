using System.Collections.Concurrent;
using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Tls;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// Connects a <see cref="DtlsServerSession"/> and a BouncyCastle DTLS client in memory, as the socket worker would:
/// client datagrams go to <see cref="DtlsServerSession.OnDatagram"/>, server datagrams land in the client's queue.
/// Either direction can pass through a tamperer that drops, changes, duplicates, holds back or splits datagrams.
/// </summary>
internal sealed class DtlsTestPipe : IDatagramSender, DatagramTransport, IDisposable
{
    private readonly BlockingCollection<byte[]> _toClient = new(1024);
    private int _serverDatagrams;

    public DtlsTestPipe(DtlsServerSession? session = null) => Session = session;

    public DtlsServerSession? Session { get; set; }

    /// <summary>Replaces the delivery of one client datagram to the server; call <c>deliver</c> to pass datagrams on.</summary>
    public Action<byte[], Action<byte[]>>? ClientToServer { get; set; }

    /// <summary>Replaces the delivery of one server datagram to the client; call <c>deliver</c> to pass datagrams on.</summary>
    public Action<byte[], Action<byte[]>>? ServerToClient { get; set; }

    /// <summary>The client's path MTU: BouncyCastle fragments its flights to fit.</summary>
    public int ClientSendLimit { get; init; } = 1200;

    /// <summary>Datagrams the server sent, delivered or not.</summary>
    public int ServerDatagrams => Volatile.Read(ref _serverDatagrams);

    /// <summary>Every datagram the server sent, in order.</summary>
    public ConcurrentQueue<byte[]> ServerSent { get; } = new();

    /// <summary>Loses server datagrams on their way to the client while <paramref name="lose"/> says so.</summary>
    public void LoseServerDatagrams(Func<byte[], bool> lose) => ServerToClient = (datagram, deliver) =>
    {
        if (!lose(datagram))
        {
            deliver(datagram);
        }
    };

    /// <summary>Puts a datagram in the client's queue as if the server had sent it.</summary>
    public void DeliverToClient(byte[] datagram) => _toClient.TryAdd(datagram);

    // IDatagramSender: the server session sends here.
    void IDatagramSender.Send(ReadOnlySpan<byte> datagram)
    {
        Interlocked.Increment(ref _serverDatagrams);
        var copy = datagram.ToArray();
        ServerSent.Enqueue(copy);
        if (ServerToClient is { } tamper)
        {
            tamper(copy, d => _toClient.TryAdd(d));
        }
        else
        {
            _toClient.TryAdd(copy);
        }
    }

    // DatagramTransport: the client's side.
    public int GetReceiveLimit() => 4096;

    public int GetSendLimit() => ClientSendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        try
        {
            if (!_toClient.TryTake(out var datagram, waitMillis == 0 ? Timeout.Infinite : waitMillis))
            {
                return -1;
            }

            var length = Math.Min(datagram.Length, buffer.Length);
            datagram.AsSpan(0, length).CopyTo(buffer);
            return length;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }

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
