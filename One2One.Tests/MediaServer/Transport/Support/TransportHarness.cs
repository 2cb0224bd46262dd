using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Srtp;
using One2One.MediaServer.Rtc.Transport;
using One2One.MediaServer.Rtc.Transport.Tcp;
using One2One.Tests.MediaServer.Relay.Support;

namespace One2One.Tests.MediaServer.Transport.Support;

/// <summary>What a transport handed up, recorded from its receive loop and the DTLS thread.</summary>
internal sealed class RecordingTransportEvents : ITransportEvents
{
    public ConcurrentQueue<byte[]> Rtp { get; } = new();

    public ConcurrentQueue<byte[]> Rtcp { get; } = new();

    public ConcurrentQueue<IceCheckResult> IceChecks { get; } = new();

    public ConcurrentQueue<DtlsConnectionState> DtlsStates { get; } = new();

    /// <summary>How many of the next RTP packets throw where they are handed up (a bug in the relay, say).</summary>
    public int RtpToFail { get; set; }

    public void OnRtp(Span<byte> buffer, int length, PacketContext context)
    {
        if (RtpToFail > 0)
        {
            RtpToFail--;
            throw new InvalidOperationException("a bug while relaying");
        }

        Rtp.Enqueue(buffer[..length].ToArray());
    }

    public void OnRtcp(Span<byte> buffer, int length, PacketContext context) => Rtcp.Enqueue(buffer[..length].ToArray());

    /// <summary>Run once, on the receive path's thread, when the next check is reported.</summary>
    public Action? OnNextIceCheck { get; set; }

    public void OnIceCheck(IceLiteAgent agent, IceCheckResult result)
    {
        IceChecks.Enqueue(result);
        var next = OnNextIceCheck;
        OnNextIceCheck = null;
        next?.Invoke();
    }

    public void OnDtlsStateChanged(DtlsConnectionState state, string? reason) => DtlsStates.Enqueue(state);

    public void OnSecured()
    {
    }
}

/// <summary>
/// A <see cref="WebRtcTransport"/> on media ports of its own on 127.0.0.1, keyed directly (no handshake) with known SRTP
/// keys, and UDP peers that talk to it: one that passes ICE and holds the browser's side of the keys, others that never
/// checked.
/// </summary>
internal sealed class TransportHarness : IAsyncDisposable
{
    public const SrtpProfile Profile = SrtpProfile.AeadAes128Gcm;

    private readonly byte[] _clientKey = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _clientSalt = RandomNumberGenerator.GetBytes(12);
    private readonly byte[] _serverKey = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _serverSalt = RandomNumberGenerator.GetBytes(12);
    private readonly List<Socket> _sockets = [];

    public const string Ufrag = "srvT";
    public const string Password = "server-password-0123456789";

    /// <param name="time">The ports' clock (ICE-TCP's first-check timeout runs on it).</param>
    /// <param name="tcp">The ICE-TCP port's limits, when not the defaults.</param>
    public TransportHarness(TimeProvider? time = null, IceTcpOptions? tcp = null)
    {
        time ??= TimeProvider.System;
        Ports = new MediaPorts(new MediaServerOptions { BindAddress = "127.0.0.1" }, NullLoggerFactory.Instance, time, tcp);
        Ice = new IceLiteAgent(new IceCredentials(Ufrag, Password), time);
        Transport = new WebRtcTransport(Ports, Ice, Events, NullLoggerFactory.Instance, time);
        Endpoint = new IPEndPoint(IPAddress.Loopback, Transport.LocalPort);
    }

    public MediaPorts Ports { get; }

    public IceLiteAgent Ice { get; }

    public RecordingTransportEvents Events { get; } = new();

    public WebRtcTransport Transport { get; }

    public IPEndPoint Endpoint { get; }

    /// <summary>The ICE-TCP port.</summary>
    public IPEndPoint TcpEndpoint => new(IPAddress.Loopback, Ports.Tcp!.Port);

    public TransportCounters Counters => Transport.Counters;

    /// <summary>Installs the SRTP keys as a finished handshake would.</summary>
    public void Secure() => Transport.Secure(Profile, _clientKey, _clientSalt, _serverKey, _serverSalt).Should().BeTrue();

    /// <summary>The browser's sending context (the DTLS client's write key).</summary>
    public SrtpContext BrowserOutbound() => SrtpContext.Create(Profile, _clientKey, _clientSalt);

    /// <summary>The browser's receiving context (the DTLS server's write key).</summary>
    public SrtpContext BrowserInbound() => SrtpContext.Create(Profile, _serverKey, _serverSalt);

    /// <summary>A UDP socket connected to the transport that has not checked.</summary>
    public Socket Stranger()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Connect(Endpoint);
        socket.ReceiveTimeout = (int)SimulatedBrowser.Timeout.TotalMilliseconds;
        _sockets.Add(socket);
        return socket;
    }

    /// <summary>A UDP socket that passed an ICE check (and nominated itself).</summary>
    public Socket ValidatedPeer()
    {
        var socket = Stranger();
        Check(socket, useCandidate: true);
        return socket;
    }

    /// <summary>Sends a valid check from <paramref name="socket"/> and waits for its success response.</summary>
    public static void Check(Socket socket, bool useCandidate)
    {
        var request = new byte[One2One.MediaServer.Rtc.Stun.StunWriter.MaxLength];
        var length = SimulatedBrowser.WriteCheck(request, $"{Ufrag}:peer", Password, useCandidate, out _);
        socket.Send(request.AsSpan(0, length));
        var response = new byte[512];
        var received = socket.Receive(response);
        new ReceivedStun(response[..received]).Class.Should().Be(One2One.MediaServer.Rtc.Stun.StunMessageClass.SuccessResponse);
    }

    /// <summary>Waits (bounded) until the receive loop has handled what the test sent.</summary>
    public static Task CountedAsync(Func<bool> condition, string because) => One2One.Tests.Support.Eventually.TrueAsync(condition, because);

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        Ports.Dispose();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }
}
