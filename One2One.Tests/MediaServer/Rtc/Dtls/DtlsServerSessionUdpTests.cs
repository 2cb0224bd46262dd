using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Tls;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>The session behind a real UDP socket on 127.0.0.1, fed by a receive loop that demultiplexes like RFC 7983.</summary>
public class DtlsServerSessionUdpTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Handshake_over_UDP_loopback_gives_both_ends_the_same_keys()
    {
        using var serverSocket = Bound127();
        using var clientSocket = Bound127();
        clientSocket.Connect(serverSocket.LocalEndPoint!);
        var clientCertificate = DtlsCertificate.Create();
        using var session = new DtlsServerSession(DtlsCertificate.Shared, new UdpSender(serverSocket, clientSocket.LocalEndPoint!));
        using var stop = new CancellationTokenSource();
        var receiveLoop = ReceiveLoop(serverSocket, session, stop.Token);

        var serverKeys = session.Start(clientCertificate.Fingerprint);
        var client = new TestDtlsSrtpClient(clientCertificate, DtlsCertificate.Shared.Fingerprint);
        var connect = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, new UdpClientTransport(clientSocket)),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var clientTransport = await connect.WaitAsync(Bound);
        var keys = await serverKeys.WaitAsync(Bound);

        keys.Profile.Should().Be(SrtpProfile.AeadAes128Gcm);
        keys.ClientWriteKey.ToArray().Should().Equal(client.KeyingMaterial!.ClientWriteKey.ToArray());
        keys.ServerWriteKey.ToArray().Should().Equal(client.KeyingMaterial.ServerWriteKey.ToArray());
        keys.ClientWriteSalt.ToArray().Should().Equal(client.KeyingMaterial.ClientWriteSalt.ToArray());
        keys.ServerWriteSalt.ToArray().Should().Equal(client.KeyingMaterial.ServerWriteSalt.ToArray());

        clientTransport.Close();
        await session.Closed.WaitAsync(Bound);
        await stop.CancelAsync();
        await receiveLoop;
    }

    private static Socket Bound127()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>What the lead's socket loop does: DTLS datagrams (first byte 20..63) go to the session, the rest elsewhere.</summary>
    private static async Task ReceiveLoop(Socket socket, DtlsServerSession session, CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, cancellationToken);
                if (received > 0 && buffer[0] is >= 20 and <= 63)
                {
                    session.OnDatagram(buffer.AsSpan(0, received));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class UdpSender(Socket socket, EndPoint remote) : IDatagramSender
    {
        public void Send(ReadOnlySpan<byte> datagram) => socket.SendTo(datagram, SocketFlags.None, remote);
    }

    /// <summary>A connected UDP socket as a BouncyCastle transport for the test client.</summary>
    private sealed class UdpClientTransport(Socket socket) : DatagramTransport
    {
        public int GetReceiveLimit() => 2048;

        public int GetSendLimit() => 1200;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        public int Receive(Span<byte> buffer, int waitMillis) =>
            socket.Poll(TimeSpan.FromMilliseconds(waitMillis == 0 ? -1 : waitMillis), SelectMode.SelectRead) ? socket.Receive(buffer) : -1;

        public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

        public void Send(ReadOnlySpan<byte> buffer) => socket.Send(buffer);

        public void Close()
        {
        }
    }
}
