using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using One2One.Kurento;
using One2One.MediaServer.Hosting;
using One2One.Tests.MediaServer.BadInput.Support;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.MediaServer.Browser;

/// <summary>
/// The end-to-end bad-input check: garbage at the JSON-RPC endpoint (raw TCP, random frames, invalid UTF-8,
/// wrong shapes, deep nesting, huge and unknown messages) and at the media ports of live endpoints, then a normal
/// back-to-back call between two Chromium pages that must receive each other's audio and video.
/// </summary>
[Trait("Category", "Browser")]
public sealed class GarbageThenCallBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const int DatagramsPerEndpoint = 1500;
    private const int MaxMessageBytes = 64 * 1024;

    private readonly RecordingLoggerProvider _logs = new(LogLevel.Information);
    private readonly int _seed = Environment.TickCount;
    private EmbeddedMediaServer? _media;
    private ILoggerFactory? _loggers;

    private EmbeddedMediaServer Media => _media!;

    public async Task InitializeAsync()
    {
        _loggers = _logs.CreateFactory();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MediaServer:MaxMessageBytes"] = $"{MaxMessageBytes}" })
            .Build();
        _media = new EmbeddedMediaServer(configuration, _loggers);
        await _media.StartAsync(CancellationToken.None);
        output.WriteLine($"Garbage seed {_seed}");
    }

    public async Task DisposeAsync()
    {
        await Media.DisposeAsync();
        _loggers?.Dispose();
    }

    [Fact]
    public async Task After_garbage_at_the_control_socket_and_the_media_ports_a_normal_call_gets_audio_and_video_both_ways()
    {
        var garbage = new Garbage(_seed);
        await ThrowGarbageAtTheControlEndpointAsync(garbage);

        // A live endpoint in loopback with a simulated browser: garbage at its port while it relays.
        await using var kurento = KurentoClients.For(Media.ControlUri);
        var pipeline = await kurento.CreateMediaPipelineAsync();
        await using (var looped = new SimulatedBrowser())
        {
            var endpoint = await pipeline.CreateWebRtcEndpointAsync();
            var port = await GatherPortAsync(endpoint, async () =>
            {
                await endpoint.ConnectAsync(endpoint);
                var answer = await endpoint.ProcessOfferAsync(looped.OfferSdp);
                return answer;
            }, looped);
            await looped.CompleteIceAsync();
            await looped.CompleteDtlsAsync();
            await LoopsBackAsync(looped, 1);

            ThrowDatagrams(garbage, port, [.. looped.SentChecks, .. looped.SentDtls]);

            await LoopsBackAsync(looped, 100);
            await endpoint.ReleaseAsync();
        }

        // The normal call, with more garbage at both of its ports once media flows.
        var aliceEndpoint = await pipeline.CreateWebRtcEndpointAsync();
        var bobEndpoint = await pipeline.CreateWebRtcEndpointAsync();
        var ports = Channel.CreateUnbounded<int>();
        await aliceEndpoint.SubscribeAsync<IceCandidateFound>(e => ports.Writer.TryWrite(PortOf(e.Candidate.Candidate)));
        await bobEndpoint.SubscribeAsync<IceCandidateFound>(e => ports.Writer.TryWrite(PortOf(e.Candidate.Candidate)));
        await using var alice = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser.Browser), aliceEndpoint);
        await using var bob = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser.Browser), bobEndpoint);
        await aliceEndpoint.ConnectAsync(bobEndpoint);
        await bobEndpoint.ConnectAsync(aliceEndpoint);

        await Task.WhenAll(alice.NegotiateAsync(), bob.NegotiateAsync());
        await Task.WhenAll(
            MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.Page.MediaAsync, "Alice"),
            MediaExpectations.ShouldReceiveAudioAndVideoAsync(bob.Page.MediaAsync, "Bob"));
        var callPorts = new HashSet<int> { await NextAsync(ports.Reader), await NextAsync(ports.Reader) };
        foreach (var callPort in callPorts)
        {
            ThrowDatagrams(garbage, callPort, []);
        }

        await Task.WhenAll(
            MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.Page.MediaAsync, "Alice, after the garbage"),
            MediaExpectations.ShouldReceiveAudioAndVideoAsync(bob.Page.MediaAsync, "Bob, after the garbage"));
        (await alice.Page.MediaAsync()).ConnectionState.Should().Be("connected");
        (await bob.Page.MediaAsync()).ConnectionState.Should().Be("connected");

        await pipeline.ReleaseAsync();
        await Eventually.TrueAsync(() => Media.Diagnostics.GetCounts() is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "release leaves nothing behind");
        foreach (var entry in _logs.AtLeast(LogLevel.Warning))
        {
            output.WriteLine(entry.ToString());
        }

        _logs.AtLeast(LogLevel.Error).Should().BeEmpty("garbage is answered or counted, never an error (seed {0})", _seed);
    }

    /// <summary>Each kind of bad input gets its error (or a closed socket), and the server keeps serving.</summary>
    private async Task ThrowGarbageAtTheControlEndpointAsync(Garbage garbage)
    {
        // Not even HTTP: Kestrel refuses it.
        foreach (var length in new[] { 1, 100, 5000 })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, Media.ControlUri.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(garbage.RandomBytes(length));
            tcp.Client.Shutdown(SocketShutdown.Send);
            await DrainAsync(stream);
        }

        // A WebSocket upgrade followed by bytes that are no WebSocket frames.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, Media.ControlUri.Port);
            var stream = tcp.GetStream();
            var upgrade = $"GET {Media.ControlUri.AbsolutePath} HTTP/1.1\r\nHost: 127.0.0.1:{Media.ControlUri.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(upgrade));
            try
            {
                for (var i = 0; i < 20; i++)
                {
                    await stream.WriteAsync(garbage.RandomBytes(300));
                }

                tcp.Client.Shutdown(SocketShutdown.Send);
                await DrainAsync(stream);
            }
            catch (IOException)
            {
                // The server may close (and reset) the connection at the first bytes that are no frame, before the rest is written.
            }
        }

        await using var client = await KurentoTestClient.ConnectAsync(Media.ControlUri);
        for (var i = 0; i < 50; i++)
        {
            await client.SendBytesAsync(garbage.RandomBytes(2000));
            (await client.NextReplyAsync())!["error"]!["code"]!.GetValue<int>().Should().BeOneOf(-32700, -32600);
        }

        // Invalid UTF-8 inside JSON in a binary frame (a text frame would be refused by the WebSocket itself, below).
        await client.SendBytesAsync([.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\""u8, 0xff, 0xfe, .. "\"}"u8]);
        (await client.NextReplyAsync())!["error"]!["code"]!.GetValue<int>().Should().Be(-32700);

        byte[][] malformed =
        [
            Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)),
            Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":[1],"method":"ping"}"""),
            Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":42}"""),
            Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"create","params":{"type":"WebRtcEndpoint","constructorParams":{"mediaPipeline":{"$ref":1}}}}"""),
            Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"invoke","params":{"object":"nope","operation":"processOffer","operationParams":{"offer":"garbage"}}}"""),
            Encoding.UTF8.GetBytes("null"),
            Encoding.UTF8.GetBytes("{}"),
        ];
        foreach (var message in malformed)
        {
            await client.SendBytesAsync(message, WebSocketMessageType.Text);
            (await client.NextReplyAsync())!["error"].Should().NotBeNull(Encoding.UTF8.GetString(message[..Math.Min(80, message.Length)]));
        }

        foreach (var method in new[] { "teleport", "", "invoke ", "PING", new string('m', 10_000) })
        {
            (await client.ErrorAsync(method))["code"]!.GetValue<int>().Should().BeOneOf(-32601, -32600);
        }

        (await client.ResultAsync("ping"))["value"]!.GetValue<string>().Should().Be("pong", "the garbage did not break this socket");

        // Invalid UTF-8 in a text frame breaks the WebSocket itself; the server closes that socket only.
        await using (var broken = await KurentoTestClient.ConnectAsync(Media.ControlUri))
        {
            await broken.SendBytesAsync([0x7b, 0xc3, 0x28, 0x7d], WebSocketMessageType.Text);
            await broken.NextReplyAsync();
        }

        // Larger than MaxMessageBytes: an error, then the socket is closed.
        await using (var huge = await KurentoTestClient.ConnectAsync(Media.ControlUri))
        {
            await huge.SendTextAsync("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":""" + "\"" + new string('x', 4 * MaxMessageBytes) + "\"}}");
            (await huge.NextReplyAsync())!["error"]!["code"]!.GetValue<int>().Should().Be(-32600);
            await huge.Closed.WaitAsync(KurentoTestClient.Timeout);
        }

        await using var fresh = await KurentoTestClient.ConnectAsync(Media.ControlUri);
        (await fresh.ResultAsync("ping"))["value"]!.GetValue<string>().Should().Be("pong", "the server still serves new sockets");
    }

    /// <summary>Random, kind-steered, truncated, bit-flipped, replayed and oversized datagrams at one media port.</summary>
    private static void ThrowDatagrams(Garbage garbage, int port, byte[][] real)
    {
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var material = real.Length > 0 ? real : [StunCheckUnderAnotherPassword()];
        for (var i = 0; i < DatagramsPerEndpoint; i++)
        {
            var datagram = (i % 6) switch
            {
                0 => garbage.RandomBytes(),
                1 => garbage.RandomOfEachKind(i),
                2 => garbage.Truncated(garbage.Pick(material)),
                3 => garbage.BitFlipped(garbage.Pick(material)),
                4 => garbage.Oversized(),
                _ => garbage.Pick(material),
            };
            attacker.SendTo(datagram, target);
            if (i % 20 == 19)
            {
                // Paced so that the receive loop keeps up: the point is that it handles them, not that a flood
                // overflows the socket's buffer (which would drop real media too, as any UDP flood does).
                Thread.Sleep(1);
            }
        }
    }

    private static byte[] StunCheckUnderAnotherPassword()
    {
        var request = new byte[One2One.MediaServer.Rtc.Stun.StunWriter.MaxLength];
        var length = SimulatedBrowser.WriteCheck(request, "nobody:knows", "not-the-password-0123456789", useCandidate: true, out _);
        return request[..length];
    }

    /// <summary>Subscribes to the endpoint's candidates, runs the negotiation, gathers, and points the browser at the port.</summary>
    private static async Task<int> GatherPortAsync(One2One.Kurento.WebRtcEndpoint endpoint, Func<Task<string>> negotiate, SimulatedBrowser simulated)
    {
        var ports = Channel.CreateUnbounded<int>();
        await endpoint.SubscribeAsync<IceCandidateFound>(e => ports.Writer.TryWrite(PortOf(e.Candidate.Candidate)));
        var answer = await negotiate();
        await endpoint.GatherCandidatesAsync();
        var port = await NextAsync(ports.Reader);
        simulated.AcceptAnswer(answer, new IPEndPoint(IPAddress.Loopback, port));
        return port;
    }

    /// <summary>
    /// Sends audio until a packet comes back (as a stream would: one lost in a socket buffer the garbage filled is not
    /// the point) and checks that what comes back is what was sent.
    /// </summary>
    private static async Task LoopsBackAsync(SimulatedBrowser simulated, ushort firstSequenceNumber)
    {
        var sent = new Dictionary<ushort, byte[]>();
        for (var sequenceNumber = firstSequenceNumber; sequenceNumber < firstSequenceNumber + 20; sequenceNumber++)
        {
            var payload = Encoding.ASCII.GetBytes($"packet {sequenceNumber}");
            sent[sequenceNumber] = simulated.SendRtp(One2One.MediaServer.Elements.KurentoMediaType.Audio, sequenceNumber, sequenceNumber * 960u, false, payload);
            try
            {
                var back = await simulated.NextRtpAsync(TimeSpan.FromMilliseconds(500), "from the loopback endpoint");
                sent.Should().ContainKey(back.SequenceNumber);
                back.AfterFixedHeader.Should().Equal(sent[back.SequenceNumber][12..]);
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        throw new TimeoutException("The loopback endpoint returned none of 20 packets.");
    }

    private static int PortOf(string candidate) =>
        One2One.MediaServer.Rtc.Sdp.IceCandidate.TryParse(candidate, out var parsed, out _) ? parsed!.Port : throw new FormatException(candidate);

    private static async Task<int> NextAsync(ChannelReader<int> reader)
    {
        using var timeout = new CancellationTokenSource(SimulatedBrowser.Timeout);
        return await reader.ReadAsync(timeout.Token);
    }

    /// <summary>Reads what the server answers until it closes the connection (bounded).</summary>
    private static async Task DrainAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(SimulatedBrowser.Timeout);
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the server: also an answer.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The server kept a connection open after its client sent garbage and closed its side.");
        }
    }
}
