using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Rtp;
using One2One.MediaServer.Rtc.Srtp;
using One2One.MediaServer.Rtc.Stun;
using One2One.MediaServer.Rtc.Transport;

namespace One2One.Benchmarks.Relay;

/// <summary>
/// Two endpoints of the media server on 127.0.0.1, the source relaying its browser's video to the sink's
/// browser, as in a call. Each browser is played by a UDP socket that passed ICE (one Binding request with
/// USE-CANDIDATE) and by the browser's half of the SRTP keys. The transports are keyed directly (no DTLS
/// handshake) and negotiated with a recorded Chromium offer, so the relay path is the production one.
/// </summary>
/// <remarks>
/// Threading: both endpoints run their real receive loops. The source browser's SRTP context and sequence
/// number belong to whoever writes packets (one thread at a time); the sink browser's to whoever reads them.
/// </remarks>
internal sealed class RelayPair : IAsyncDisposable
{
    /// <summary>An RTP packet as large as a browser's video packets get (they stay under a 1280-byte path MTU).</summary>
    public const int PacketLength = 1200;

    /// <summary>A datagram slot in packet rings and receive buffers: a protected packet fits with room to spare.</summary>
    public const int DatagramSlot = 1280;

    /// <summary>Fixed header, then a one-byte-header extension (RFC 8285) with transport-cc and abs-send-time, as Chromium sends.</summary>
    public const int HeaderLength = 24;

    private const int SinkReceiveBuffer = 4 * 1024 * 1024;

    private readonly WebRtcSessionFactory _factory;
    private ushort _sequence;

    private RelayPair(SrtpProfile profile, WebRtcSessionFactory factory, WebRtcSession source, WebRtcSession sink,
        Socket sourceBrowser, Socket sinkBrowser, SrtpContext sourceBrowserSrtp, SrtpContext sinkBrowserSrtp)
    {
        Profile = profile;
        _factory = factory;
        Source = source;
        Sink = sink;
        SourceBrowser = sourceBrowser;
        SinkBrowser = sinkBrowser;
        SourceBrowserSrtp = sourceBrowserSrtp;
        SinkBrowserSrtp = sinkBrowserSrtp;
        SourceBrowserAddress = sourceBrowser.LocalEndPoint!.Serialize();
        SourceBrowserKey = AddressKey.From((IPEndPoint)sourceBrowser.LocalEndPoint!);
    }

    public SrtpProfile Profile { get; }

    public WebRtcSession Source { get; }

    public WebRtcSession Sink { get; }

    /// <summary>The source's browser: sends SRTP to <see cref="Source"/>'s port.</summary>
    public Socket SourceBrowser { get; }

    /// <summary>The sink's browser: where the relay sends; its receive buffer is 4 MB.</summary>
    public Socket SinkBrowser { get; }

    /// <summary>The source browser's address as a media worker sees it (validated by ICE).</summary>
    public SocketAddress SourceBrowserAddress { get; }

    public AddressKey SourceBrowserKey { get; }

    /// <summary>The media server's ports, which both endpoints share.</summary>
    public MediaPorts Ports => _factory.Ports;

    public IPEndPoint SourceEndPoint => new(IPAddress.Loopback, Source.Transport.LocalPort);

    /// <summary>What the source browser encrypts with (the DTLS client's write key).</summary>
    public SrtpContext SourceBrowserSrtp { get; }

    /// <summary>What the sink browser decrypts with (the DTLS server's write key).</summary>
    public SrtpContext SinkBrowserSrtp { get; }

    /// <summary>
    /// Both endpoints negotiated, keyed for <paramref name="profile"/> and nominated; with
    /// <paramref name="connect"/> the source relays video to the sink. <paramref name="options"/> sets the media
    /// ports (workers, batch); the default is the server's.
    /// </summary>
    public static RelayPair Create(SrtpProfile profile, bool connect = true, MediaServerOptions? options = null)
    {
        var factory = new WebRtcSessionFactory(Options.Create(options ?? new MediaServerOptions { MaxInboundPacketsPerSecond = 0 }), NullLoggerFactory.Instance, TimeProvider.System);
        var source = (WebRtcSession)factory.Create(new WebRtcEndpointSettings("source"), SilentObserver.Instance);
        var sink = (WebRtcSession)factory.Create(new WebRtcEndpointSettings("sink"), SilentObserver.Instance);
        source.ProcessOffer(RecordedChromiumOffer.Sdp);
        sink.ProcessOffer(RecordedChromiumOffer.Sdp);

        var sourceBrowserSrtp = Key(source.Transport, profile);
        var sinkBrowserSrtp = Key(sink.Transport, profile, browserReceives: true);
        var sourceBrowser = BrowserSocket();
        var sinkBrowser = BrowserSocket();
        sinkBrowser.ReceiveBufferSize = SinkReceiveBuffer;
        Nominate(source.Transport, sourceBrowser);
        Nominate(sink.Transport, sinkBrowser);
        if (connect)
        {
            source.AddSink(sink, KurentoMediaType.Video);
        }

        return new RelayPair(profile, factory, source, sink, sourceBrowser, sinkBrowser, sourceBrowserSrtp, sinkBrowserSrtp);
    }

    /// <summary>The RTP packet the source browser sends with <paramref name="sequence"/>; returns its length.</summary>
    public static int WriteRtp(Span<byte> destination, ushort sequence)
    {
        destination[0] = 0x90; // V=2, X=1
        destination[1] = RecordedChromiumOffer.Vp8PayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)(sequence >> 2) * 3000);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], RecordedChromiumOffer.VideoSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], 0xBEDE_0002);
        destination[16] = 0x31; // id 3 (transport-cc), 2 bytes
        BinaryPrimitives.WriteUInt16BigEndian(destination[17..], sequence);
        destination[19] = 0x22; // id 2 (abs-send-time), 3 bytes
        destination[20] = 0x12;
        destination[21] = 0x34;
        destination[22] = 0x56;
        destination[23] = 0;
        var payload = destination[HeaderLength..PacketLength];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(sequence + i);
        }

        return PacketLength;
    }

    /// <summary>The source browser's next packet, protected, in <paramref name="destination"/>; returns its length.</summary>
    public int ProtectNext(Span<byte> destination)
    {
        WriteRtp(destination, ++_sequence);
        if (!SourceBrowserSrtp.TryProtectRtp(destination, PacketLength, out var length))
        {
            throw new InvalidOperationException("The source browser could not protect its packet.");
        }

        return length;
    }

    /// <summary>
    /// True when <paramref name="datagram"/> (read from the sink browser's socket) is a packet of the source
    /// browser, relayed: it decrypts with the sink browser's keys, carries the sink endpoint's video SSRC and
    /// the sink's payload type, and its payload is the one sent. Decrypts in <paramref name="work"/>.
    /// </summary>
    public bool IsRelayedPacket(ReadOnlySpan<byte> datagram, Span<byte> work)
    {
        datagram.CopyTo(work);
        if (!SinkBrowserSrtp.TryUnprotectRtp(work[..datagram.Length], out var length) || length != PacketLength
            || BinaryPrimitives.ReadUInt32BigEndian(work[8..]) != Sink.LocalSsrc(KurentoMediaType.Video)
            || (work[1] & 0x7F) != RecordedChromiumOffer.Vp8PayloadType)
        {
            return false;
        }

        var sequence = BinaryPrimitives.ReadUInt16BigEndian(work[2..]);
        Span<byte> expected = stackalloc byte[PacketLength];
        WriteRtp(expected, sequence);
        return work[HeaderLength..PacketLength].SequenceEqual(expected[HeaderLength..]);
    }

    /// <summary>Reads the sink browser's socket until a relayed packet arrives; throws after 5 s without one.</summary>
    public void ExpectRelayedPacket()
    {
        var datagram = new byte[DatagramSlot];
        var work = new byte[DatagramSlot];
        var clock = Stopwatch.StartNew();
        SinkBrowser.ReceiveTimeout = 5000;
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            var received = SinkBrowser.Receive(datagram);
            if (RtcDemux.Classify(datagram.AsSpan(0, received)) == RtcPacketKind.Rtp && IsRelayedPacket(datagram.AsSpan(0, received), work))
            {
                return;
            }
        }

        throw new InvalidOperationException("No relayed packet reached the sink browser.");
    }

    /// <summary>Discards what is queued on the sink browser's socket.</summary>
    public void DrainSink()
    {
        var datagram = new byte[DatagramSlot];
        while (SinkBrowser.Available > 0)
        {
            SinkBrowser.Receive(datagram);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await Sink.DisposeAsync();
        _factory.Dispose();
        SourceBrowser.Dispose();
        SinkBrowser.Dispose();
        SourceBrowserSrtp.Dispose();
        SinkBrowserSrtp.Dispose();
    }

    /// <summary>Keys <paramref name="transport"/> as a DTLS handshake would and returns the browser's context for one direction.</summary>
    private static SrtpContext Key(WebRtcTransport transport, SrtpProfile profile, bool browserReceives = false)
    {
        var clientKey = RandomNumberGenerator.GetBytes(profile.MasterKeyLength());
        var clientSalt = RandomNumberGenerator.GetBytes(profile.MasterSaltLength());
        var serverKey = RandomNumberGenerator.GetBytes(profile.MasterKeyLength());
        var serverSalt = RandomNumberGenerator.GetBytes(profile.MasterSaltLength());
        if (!transport.Secure(profile, clientKey, clientSalt, serverKey, serverSalt))
        {
            throw new InvalidOperationException("The transport refused its keys.");
        }

        return browserReceives ? SrtpContext.Create(profile, serverKey, serverSalt) : SrtpContext.Create(profile, clientKey, clientSalt);
    }

    private static Socket BrowserSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>What the browser's ICE agent does (RFC 8445 §7.2.2): one check with USE-CANDIDATE, and its success response.</summary>
    private static void Nominate(WebRtcTransport transport, Socket browser)
    {
        var local = transport.Ice.Local;
        var request = new byte[StunWriter.MaxLength];
        var length = StunWriter.WriteBindingRequest(request, RandomNumberGenerator.GetBytes(StunMessage.TransactionIdLength),
            Encoding.ASCII.GetBytes(local.Ufrag + ":x"), priority: 0x6E00_1EFF, IceRole.Controlling, tieBreaker: 42, useCandidate: true,
            local.PasswordBytes);
        browser.SendTo(request.AsSpan(0, length), new IPEndPoint(IPAddress.Loopback, transport.LocalPort));

        var response = new byte[StunWriter.MaxLength];
        browser.ReceiveTimeout = 5000;
        var received = browser.Receive(response);
        if (!StunMessage.TryParse(response.AsSpan(0, received), out var message) || message.Class != StunMessageClass.SuccessResponse
            || transport.Ice.Selected is null)
        {
            throw new InvalidOperationException("The endpoint did not accept the browser's connectivity check.");
        }
    }
}
