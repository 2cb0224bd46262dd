using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Playwright;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Sdp;
using One2One.MediaServer.Rtc.Srtp;
using One2One.MediaServer.Rtc.Stun;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// End to end against the system Chromium: our answer, our host candidate, then Chromium's own DTLS client against
/// <see cref="DtlsServerSession"/>. ICE is answered by a minimal STUN responder that stands in for the real ICE-lite
/// agent (binding success with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT). Run in a loopback-only namespace.
/// </summary>
[Trait("Category", "Browser")]
public class ChromiumDtlsHandshakeTests
{
    private const string LocalUfrag = "SrvU";
    private const string LocalPwd = "ServerPasswordOf24Chars1";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Chromium_completes_DTLS_SRTP_with_the_server_session_and_its_close_is_seen()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var sender = new SelectedPathSender(socket);
        using var session = new DtlsServerSession(DtlsCertificate.Shared, sender);
        using var stop = new CancellationTokenSource();
        var receiveLoop = Task.Run(() => ReceiveLoop(socket, session, sender, stop.Token));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.RouteAsync("http://localhost/**", route => route.FulfillAsync(new() { Body = "<html><body></body></html>", ContentType = "text/html" }));
        await page.GotoAsync("http://localhost/");
        var offer = await page.EvaluateAsync<string>("""
            async () => {
              window.pc = new RTCPeerConnection();
              const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
              stream.getTracks().forEach(track => pc.addTrack(track, stream));
              await pc.setLocalDescription(await pc.createOffer());
              return pc.localDescription.sdp;
            }
            """);

        var local = new LocalTransportParameters(LocalUfrag, LocalPwd, DtlsCertificate.Shared.Fingerprint,
            new LocalStreamIdentity(1111, "relay", "relay-stream", "relay-audio"),
            new LocalStreamIdentity(2222, "relay", "relay-stream", "relay-video"));
        var answer = SdpAnswerBuilder.Build(SessionDescription.Parse(offer), local);
        var handshake = session.Start(answer.Remote.Fingerprints);
        var candidate = IceCandidate.Host("1", 2015363327, new IPEndPoint(IPAddress.Loopback, port)).ToString();
        await page.EvaluateAsync("""
            async ([sdp, candidate]) => {
              await pc.setRemoteDescription({ type: 'answer', sdp });
              await pc.addIceCandidate({ candidate, sdpMid: '0', sdpMLineIndex: 0 });
            }
            """, new[] { answer.Sdp, candidate });

        var keys = await handshake.WaitAsync(Bound);
        var state = await page.EvaluateAsync<string>("""
            () => new Promise(resolve => {
              const check = () => pc.connectionState === 'connected' || pc.connectionState === 'failed'
                ? resolve(pc.connectionState) : setTimeout(check, 20);
              check();
            })
            """);

        state.Should().Be("connected");
        keys.Profile.Should().Be(SrtpProfile.AeadAes128Gcm, "Chromium offers AES-GCM and we prefer it");
        session.State.Should().Be(DtlsSessionState.Connected);

        await page.EvaluateAsync("() => pc.close()");
        await session.Closed.WaitAsync(Bound);
        session.State.Should().Be(DtlsSessionState.Closed);
        await stop.CancelAsync();
        await receiveLoop;
    }

    /// <summary>RFC 7983 demultiplexing: STUN (0..3) is answered here, DTLS (20..63) goes to the session, SRTP is ignored.</summary>
    private static async Task ReceiveLoop(Socket socket, DtlsServerSession session, SelectedPathSender sender, CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        var response = new byte[128];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
                var datagram = buffer.AsSpan(0, result.ReceivedBytes);
                var from = (IPEndPoint)result.RemoteEndPoint;
                if (datagram.Length >= 20 && datagram[0] <= 3 && BinaryPrimitives.ReadUInt16BigEndian(datagram) == 0x0001)
                {
                    sender.Remote = from;
                    var length = WriteBindingSuccess(datagram[8..20], from, response);
                    socket.SendTo(response.AsSpan(0, length), SocketFlags.None, from);
                }
                else if (datagram.Length > 0 && datagram[0] is >= 20 and <= 63)
                {
                    session.OnDatagram(datagram);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A STUN binding success response (RFC 8489 §14.2, §14.5, §14.7) authenticated with our ice-pwd.</summary>
    private static int WriteBindingSuccess(ReadOnlySpan<byte> transactionId, IPEndPoint from, Span<byte> message)
    {
        const uint MagicCookie = 0x2112A442;
        BinaryPrimitives.WriteUInt16BigEndian(message, 0x0101);
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], MagicCookie);
        transactionId.CopyTo(message[8..]);

        // XOR-MAPPED-ADDRESS, IPv4.
        BinaryPrimitives.WriteUInt16BigEndian(message[20..], 0x0020);
        BinaryPrimitives.WriteUInt16BigEndian(message[22..], 8);
        message[24] = 0;
        message[25] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(message[26..], (ushort)(from.Port ^ (MagicCookie >> 16)));
        BinaryPrimitives.WriteUInt32BigEndian(message[28..], BinaryPrimitives.ReadUInt32BigEndian(from.Address.GetAddressBytes()) ^ MagicCookie);

        // MESSAGE-INTEGRITY over everything before it, with the length already counting it.
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], 12 + 24);
        BinaryPrimitives.WriteUInt16BigEndian(message[32..], 0x0008);
        BinaryPrimitives.WriteUInt16BigEndian(message[34..], 20);
        HMACSHA1.HashData(System.Text.Encoding.ASCII.GetBytes(LocalPwd), message[..32], message[36..56]);

        // FINGERPRINT: CRC-32 of everything before it XOR 0x5354554E, the length counting it.
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], 12 + 24 + 8);
        BinaryPrimitives.WriteUInt16BigEndian(message[56..], 0x8028);
        BinaryPrimitives.WriteUInt16BigEndian(message[58..], 4);
        BinaryPrimitives.WriteUInt32BigEndian(message[60..], StunFingerprint.Compute(message[..56]));
        return 64;
    }

    /// <summary>Sends to the address the latest connectivity check came from, as the ICE-lite agent would select it.</summary>
    private sealed class SelectedPathSender(Socket socket) : IDatagramSender
    {
        public volatile IPEndPoint? Remote;

        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (Remote is { } remote)
            {
                socket.SendTo(datagram, SocketFlags.None, remote);
            }
        }
    }
}
