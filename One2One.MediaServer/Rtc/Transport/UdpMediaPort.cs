using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// The one UDP port all media of the server uses, and the fixed set of <see cref="MediaWorker"/> threads that do
/// all receiving, relaying and sending on it. On Linux each worker has a socket of its own bound to the port with
/// SO_REUSEPORT (the kernel hashes each remote 4-tuple to one of them, so the workers share the load without sharing
/// a queue) and moves datagrams in batches (<see cref="MmsgDatagramIo"/>), or one at a time when the batch is 1.
/// Elsewhere one socket and one worker with the portable <see cref="SocketDatagramIo"/>.
/// <para>
/// Each datagram goes to the transport that owns it (<see cref="TransportDirectory"/>): a STUN check by its USERNAME,
/// anything else by the address it came from. What no transport claims is dropped and counted in <see cref="Counters"/>.
/// </para>
/// <para>
/// The port is chosen by binding a plain socket first (the configured port, the first free one of the range, or an
/// ephemeral one) and only then the workers' SO_REUSEPORT sockets to it: a port another socket holds is refused
/// instead of shared, and an ephemeral port is never one another SO_REUSEPORT group of this user already has.
/// </para>
/// </summary>
/// <remarks>
/// Threading: immutable after construction apart from the workers, each of which owns its thread and buffers.
/// <see cref="TrySend"/> is safe from any thread: on one of this port's workers it joins the worker's batch,
/// elsewhere it is one sendto on the first socket.
/// </remarks>
internal sealed class UdpMediaPort : IMediaLink, IDisposable
{
    private const int BindAttempts = 16;

    /// <summary>
    /// Asked for each socket's receive and send queues: a worker kept off the CPU for a few milliseconds must not lose
    /// the datagrams of every call on it. The kernel caps it at net.core.rmem_max / wmem_max (see README).
    /// </summary>
    private const int SocketBufferBytes = 4 * 1024 * 1024;

    private readonly Socket[] _sockets;
    private readonly MediaWorker[] _workers;
    private readonly TransportDirectory _directory;
    private int _disposed;

    public UdpMediaPort(IPAddress bindAddress, PortChoice choice, int workers, int batch, TransportDirectory directory, ILoggerFactory loggers)
    {
        _directory = directory;
        Logger = loggers.CreateLogger<UdpMediaPort>();
        var reusePort = LinuxDatagrams.IsSupported;
        _sockets = BindSockets(bindAddress, choice, reusePort ? workers : 1, reusePort);
        Port = ((IPEndPoint)_sockets[0].LocalEndPoint!).Port;
        IsBatched = reusePort && batch > 1;
        _workers = new MediaWorker[_sockets.Length];
        for (var i = 0; i < _sockets.Length; i++)
        {
            IDatagramIo io = IsBatched ? new MmsgDatagramIo(_sockets[i], batch, this) : new SocketDatagramIo(_sockets[i]);
            _workers[i] = new MediaWorker(this, _sockets[i], io, i);
        }

        foreach (var worker in _workers)
        {
            worker.Start();
        }
    }

    public int Port { get; }

    public IceProtocol Protocol => IceProtocol.Udp;

    /// <summary>Datagrams no transport claimed: from addresses that never passed ICE, checks for no live ufrag, garbage.</summary>
    public TransportCounters Counters { get; } = new();

    /// <summary>Worker threads (tests: they end when the port is disposed).</summary>
    internal IReadOnlyList<Thread> Threads => [.. _workers.Select(w => w.Thread)];

    internal bool IsBatched { get; }

    internal ILogger Logger { get; }

    public bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress to, PacketContext? context, TransportCounters counters)
    {
        if (context?.Batch is { } batch && ReferenceEquals(batch.Port, this) && batch.TryAdd(datagram, to, counters))
        {
            return true;
        }

        try
        {
            _sockets[0].SendTo(datagram, SocketFlags.None, to);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>One datagram from a worker: to its transport, or dropped and counted. Never throws on bad input.</summary>
    internal void Dispatch(Span<byte> buffer, int length, bool truncated, SocketAddress sender, PacketContext context)
    {
        var datagram = buffer[..length];
        var kind = truncated ? RtcPacketKind.Unknown : RtcDemux.Classify(datagram);
        WebRtcTransport? transport = null;
        if (kind == RtcPacketKind.Stun)
        {
            _directory.TryFindByUsername(datagram, out transport);
        }

        if (!AddressKey.TryCreate(sender, out var key))
        {
            Counters.CountUnknown();
            return;
        }

        if (transport is null)
        {
            _directory.TryFindByAddress(key, out transport);
        }

        if (transport is null)
        {
            CountUnclaimed(kind);
        }
        else if (truncated)
        {
            // Larger than any RTP packet a browser sends: refused whole rather than handled cut.
            transport.Counters.CountUnknown();
        }
        else
        {
            // STUN was routed by its ufrag: whether it also comes from an address the transport holds decides its budget.
            var fromHeldAddress = kind != RtcPacketKind.Stun
                || (_directory.TryFindByAddress(key, out var holder) && ReferenceEquals(holder, transport));
            transport.OnDatagram(buffer, length, this, sender, key, context, fromHeldAddress);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var worker in _workers)
        {
            worker.Stop();
        }

        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private void CountUnclaimed(RtcPacketKind kind)
    {
        switch (kind)
        {
            case RtcPacketKind.Stun:
                Counters.CountUnauthenticated();
                break;
            case RtcPacketKind.Unknown:
                Counters.CountUnknown();
                break;
            default:
                Counters.CountNotValidated();
                break;
        }
    }

    private static Socket[] BindSockets(IPAddress bindAddress, PortChoice choice, int count, bool reusePort)
    {
        for (var attempt = 0; attempt < BindAttempts; attempt++)
        {
            var port = choice.Reserve(bindAddress, SocketType.Dgram, ProtocolType.Udp, holdOpen: !reusePort, out var held);
            if (held is not null)
            {
                SizeBuffers(held);
                return [held];
            }

            var sockets = new List<Socket>(count);
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var socket = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    sockets.Add(socket);
                    socket.SetRawSocketOption(LinuxDatagrams.SolSocket, LinuxDatagrams.SoReusePort, BitConverter.GetBytes(1));
                    SizeBuffers(socket);
                    socket.Bind(new IPEndPoint(bindAddress, port));
                }

                return [.. sockets];
            }
            catch (SocketException) when (choice.MayRetry)
            {
                // Another socket took the port between the reservation and the workers' binds: choose again.
                foreach (var socket in sockets)
                {
                    socket.Dispose();
                }
            }
            catch
            {
                foreach (var socket in sockets)
                {
                    socket.Dispose();
                }

                throw;
            }
        }

        throw new SocketException((int)SocketError.AddressAlreadyInUse);
    }

    private static void SizeBuffers(Socket socket)
    {
        socket.ReceiveBufferSize = SocketBufferBytes;
        socket.SendBufferSize = SocketBufferBytes;
    }
}
