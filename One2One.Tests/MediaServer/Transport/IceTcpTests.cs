using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Stun;
using One2One.MediaServer.Rtc.Transport.Tcp;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Srtp;
using One2One.Tests.MediaServer.Transport.Support;

namespace One2One.Tests.MediaServer.Transport;

/// <summary>
/// ICE over TCP (RFC 6544) on the media server's TCP port: RFC 4571 frames cut anywhere, a connection bound by its first
/// check, media both ways, and what closes a connection: another first frame, a failed check, an oversized frame,
/// silence past the first-check timeout on the server's clock.
/// </summary>
public sealed class IceTcpTests : IAsyncLifetime
{
    private const int RtpLength = 172;

    private readonly FakeTimeProvider _clock = new();
    private readonly TransportHarness _harness;
    private readonly List<Socket> _clients = [];

    public IceTcpTests()
    {
        _harness = new TransportHarness(_clock);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_check_cut_into_pieces_is_answered_in_one_frame_and_media_then_flows_both_ways()
    {
        using var client = Connect();
        var check = Check(TransportHarness.Password, out var transactionId);

        await SendInPiecesAsync(client, Framed(check), 1, 2, 7);
        var answer = ReadFrame(client);

        StunMessage.TryParse(answer, out var response).Should().BeTrue();
        response.Class.Should().Be(StunMessageClass.SuccessResponse);
        response.TransactionId.ToArray().Should().Equal(transactionId);
        response.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(client.LocalEndPoint, "XOR-MAPPED-ADDRESS is the connection's remote end");
        _harness.Ice.Selected!.Protocol.Should().Be(IceProtocol.Tcp);

        // Three SRTP packets: two in one write, the third cut inside its length prefix.
        _harness.Secure();
        using var keys = _harness.BrowserOutbound();
        var frames = Enumerable.Range(1, 3).Select(i => Framed(SrtpTestPackets.ProtectRtp(keys, SrtpTestPackets.PlainRtp(0x5151, (ushort)i), RtpLength))).ToArray();
        await SendInPiecesAsync(client, [.. frames[0], .. frames[1], .. frames[2]], frames[0].Length + frames[1].Length + 1);
        await TransportHarness.CountedAsync(() => _harness.Events.Rtp.Count == 3, "every packet is read out of the stream");
        _harness.Events.Rtp.Select(p => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2))).Should().Equal(1, 2, 3);

        var plain = SrtpTestPackets.PlainRtp(0x6161, 9)[..RtpLength];
        var packet = new byte[2048];
        plain.CopyTo(packet, 0);
        _harness.Transport.TrySendRtp(packet, plain.Length).Should().BeTrue();
        var sent = ReadFrame(client);
        using var inbound = _harness.BrowserInbound();
        inbound.TryUnprotectRtp(sent, out var plainLength).Should().BeTrue();
        sent[..plainLength].Should().Equal(plain);
        _harness.Counters.TotalDropped.Should().Be(0);
    }

    [Fact]
    public async Task An_ICE_TCP_path_that_a_newer_path_takes_the_place_of_is_closed()
    {
        using var client = Connect();
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        ReadFrame(client);
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == 1, "the connection is accepted");

        // The browser moves to UDP and goes on through new addresses; it no longer checks over the connection.
        for (var i = 0; i < IceLiteAgent.MaxPeerAddresses; i++)
        {
            _harness.ValidatedPeer();
        }

        ShouldBeClosed(client);
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == 0, "the connection is gone");
        _harness.Ice.ValidatedPaths.ToArray().Should().OnlyContain(p => p!.Protocol == IceProtocol.Udp);
        _harness.Ice.Selected!.Protocol.Should().Be(IceProtocol.Udp);
    }

    [Fact]
    public async Task Frames_read_with_the_one_whose_handling_closed_the_connection_are_not_handled()
    {
        using var client = Connect();
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        ReadFrame(client);
        var connection = (IceTcpConnection)_harness.Ice.Selected!.Link;
        await TransportHarness.CountedAsync(() => _harness.Events.IceChecks.Count == 1, "the first check is reported");

        // While the first of two checks read together is reported, new UDP paths take the connection's place: it is closed.
        _harness.Events.OnNextIceCheck = () =>
        {
            for (var i = 0; i < IceLiteAgent.MaxPeerAddresses; i++)
            {
                _harness.ValidatedPeer();
            }
        };
        client.Send([.. Framed(Check(TransportHarness.Password, out _)), .. Framed(Check(TransportHarness.Password, out _))]);

        await connection.Completion.WaitAsync(SimulatedBrowser.Timeout);
        connection.IsClosed.Should().BeTrue();
        _harness.Ice.ValidatedPaths.ToArray().Should().OnlyContain(p => p!.Protocol == IceProtocol.Udp,
            "the second check, on a closed connection, must not store it as a path again (evicting a live one)");
    }

    [Fact]
    public async Task A_frame_larger_than_any_packet_closes_the_connection()
    {
        using var client = Connect();
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        ReadFrame(client);

        client.Send([0x0F, 0xA0, 0x80, 0x60]); // announces 4000 bytes

        ShouldBeClosed(client);
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == 0, "the connection is gone");
    }

    [Theory]
    [InlineData(0, 10_000)]
    [InlineData(IceTcpConnection.MinPacketLength - 1, 1)]
    public async Task A_checked_connection_that_sends_frames_shorter_than_any_packet_is_closed(int length, int count)
    {
        using var client = Connect();
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        ReadFrame(client);

        var runts = Enumerable.Repeat(Framed(new byte[length]), count).SelectMany(f => f).ToArray();
        client.Send(runts);

        ShouldBeClosed(client);
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == 0, "the connection is gone");
    }

    [Fact]
    public async Task A_checked_connection_that_sends_thousands_of_short_packets_in_one_go_keeps_them_all()
    {
        // The loop lets go of its thread between turns; it does not drop or reorder what waits in the socket.
        using var client = Connect();
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        ReadFrame(client);
        const int Count = 3 * IceTcpConnection.FramesPerTurn + 7;
        var rtcp = new byte[IceTcpConnection.MinPacketLength];
        rtcp[0] = 0x80;
        rtcp[1] = 201; // an RR header: not secured yet, so each is counted and dropped
        client.Send(Enumerable.Repeat(Framed(rtcp), Count).SelectMany(f => f).ToArray());

        await TransportHarness.CountedAsync(() => _harness.Counters.NotSecured == Count, "every frame is handled");
        _harness.Ports.Tcp!.ConnectionCount.Should().Be(1);
    }

    [Theory]
    [InlineData("media before any check")]
    [InlineData("a check for no live ufrag")]
    [InlineData("a check under the wrong password")]
    public void A_connection_whose_first_frame_is_not_a_passing_check_is_closed_unanswered(string what)
    {
        using var client = Connect();
        var first = what switch
        {
            "media before any check" => SrtpTestPackets.PlainRtp(0x7171, 1)[..RtpLength],
            "a check for no live ufrag" => CheckAs("nobody", TransportHarness.Password),
            _ => Check("not-the-password-0123456789", out _),
        };

        client.Send(Framed(first));

        ShouldBeClosed(client);
        _harness.Ice.Selected.Should().BeNull(what);
    }

    [Fact]
    public async Task A_connection_that_sends_no_check_is_closed_when_the_first_check_timeout_passes_on_the_servers_clock()
    {
        using var client = Connect();
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == 1, "the connection is accepted");

        _clock.Advance(TimeSpan.FromSeconds(9));
        client.Send([0x00]); // one byte of a frame: still nothing whole
        await Task.Delay(100);
        _harness.Ports.Tcp!.ConnectionCount.Should().Be(1, "nine seconds are within the timeout");

        _clock.Advance(TimeSpan.FromSeconds(1));

        ShouldBeClosed(client);
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp.ConnectionCount == 0, "the connection is gone");
    }

    [Fact]
    public async Task Connections_that_never_send_hold_no_send_backlog()
    {
        // 4096 silent connections (the default limit) once held 2 x 256 KiB each from the accept on: about 2 GiB.
        const int Silent = 200;
        for (var i = 0; i < Silent; i++)
        {
            Connect(from: IPAddress.Parse($"127.0.0.{1 + (i % 4)}")); // 50 an address, under the per-address limit
        }

        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == Silent, "every connection is accepted");

        _harness.Ports.Tcp!.Connections.Sum(c => (long)c.SendBacklogCapacity).Should().Be(0, "a backlog is needed only once the kernel refuses a frame");
    }

    [Fact]
    public async Task One_address_holds_at_most_64_connections_without_a_check_and_the_others_are_still_accepted()
    {
        var limit = new IceTcpOptions().MaxUncheckedPerAddress;
        var silent = Enumerable.Range(0, limit).Select(_ => Connect()).ToList();
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == limit, "every connection is accepted");

        // One more from that address is closed at once; another address is not held back by it.
        using var refused = Connect();
        ShouldBeClosed(refused);
        using var other = Connect(from: IPAddress.Parse("127.0.0.2"));
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == limit + 1, "another address's connection is accepted");

        // A connection that passes its check no longer counts against its address; one that closes neither.
        var check = Check(TransportHarness.Password, out _);
        silent[0].Send(Framed(check));
        StunMessage.TryParse(ReadFrame(silent[0]), out var answer).Should().BeTrue();
        answer.Class.Should().Be(StunMessageClass.SuccessResponse);
        silent[1].Dispose();
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.UncheckedFrom(IPAddress.Loopback) == limit - 2, "two of them settled");
        using var again = Connect();
        using var andAgain = Connect();
        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.UncheckedFrom(IPAddress.Loopback) == limit, "two new ones take their places");
        using var overAgain = Connect();
        ShouldBeClosed(overAgain);
    }

    [Fact]
    public async Task When_the_port_is_full_a_new_connection_takes_the_place_of_the_one_that_has_waited_longest_for_its_check()
    {
        // Silent connections from many addresses, each within its per-address share, once filled the port for good.
        await using var harness = new TransportHarness(_clock, new IceTcpOptions { MaxConnections = 4, MaxUncheckedPerAddress = 2 });
        var silent = new List<Socket>();
        foreach (var from in new[] { "127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3" })
        {
            silent.Add(Connect(from: IPAddress.Parse(from), to: harness.TcpEndpoint));
            var count = silent.Count;
            await TransportHarness.CountedAsync(() => harness.Ports.Tcp!.ConnectionCount == count, "each is accepted in turn");
        }

        using var browser = Connect(to: harness.TcpEndpoint);
        browser.Send(Framed(Check(TransportHarness.Password, out _)));

        StunMessage.TryParse(ReadFrame(browser), out var answer).Should().BeTrue("the browser's connection is accepted and its check answered");
        answer.Class.Should().Be(StunMessageClass.SuccessResponse);
        ShouldBeClosed(silent[0]);
        harness.Ports.Tcp!.ConnectionCount.Should().Be(4);
        harness.Ports.Tcp.UncheckedFrom(IPAddress.Parse("127.0.0.2")).Should().Be(1);

        // Once every open connection has passed its check, a new one is refused instead.
        foreach (var connection in silent.Skip(1))
        {
            connection.Send(Framed(Check(TransportHarness.Password, out _)));
            ReadFrame(connection);
        }

        using var refused = Connect(from: IPAddress.Parse("127.0.0.4"), to: harness.TcpEndpoint);
        ShouldBeClosed(refused);
        harness.Ports.Tcp.ConnectionCount.Should().Be(4);
    }

    [Fact]
    public async Task A_peer_that_reads_slowly_gets_what_was_relayed_whole_and_in_order_and_the_drained_backlog_is_given_back()
    {
        using var client = Connect(receiveBufferBytes: 4096);
        var connection = CheckedAndSelected(client);

        // Relayed media while the peer reads nothing: the kernel's buffers fill, then the backlog, then a packet is dropped.
        var dropped = RelayUntilDropped(connection);
        var packet = new byte[2048];
        var sequence = dropped;
        connection.SendBacklogCapacity.Should().BePositive("what the kernel did not take waits in the backlog");

        using var inbound = _harness.BrowserInbound();
        for (var expected = 1; expected < dropped; expected++)
        {
            var frame = ReadFrame(client);
            inbound.TryUnprotectRtp(frame, out _).Should().BeTrue("frame {0} arrives whole", expected);
            BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2)).Should().Be((ushort)expected, "nothing before the drop is lost or reordered");
        }

        await TransportHarness.CountedAsync(() => connection.SendBacklogCapacity == 0, "the drained backlog goes back to the pool");
        SrtpTestPackets.PlainRtp(0x6161, ++sequence).AsSpan(0, RtpLength).CopyTo(packet);
        _harness.Transport.TrySendRtp(packet, RtpLength).Should().BeTrue();
        var after = ReadFrame(client);
        inbound.TryUnprotectRtp(after, out _).Should().BeTrue();
        BinaryPrimitives.ReadUInt16BigEndian(after.AsSpan(2)).Should().Be(sequence, "the connection sends on once drained");
    }

    [Fact]
    public void A_peer_that_stops_reading_holds_at_most_SendBacklogBytes_of_backlog_counting_the_bytes_being_sent()
    {
        using var client = Connect(receiveBufferBytes: 4096);
        var connection = CheckedAndSelected(client);

        // Once the drain has the first bytes in flight, frames queue behind them: they are part of the same limit.
        var limit = new IceTcpOptions().SendBacklogBytes;
        RelayUntilDropped(connection, onEach: () => connection.SendBacklogCapacity.Should().BeLessThanOrEqualTo(limit));

        connection.SendBacklogCapacity.Should().BeInRange(1, limit);
    }

    [Fact]
    public async Task A_checked_connection_whose_peer_stops_reading_is_closed_once_nothing_drains_for_the_stall_timeout()
    {
        using var client = Connect(receiveBufferBytes: 4096);
        var connection = CheckedAndSelected(client);
        RelayUntilDropped(connection);
        var timeout = new IceTcpOptions().SendStallTimeout;

        // The browser goes on checking (its answers wait behind the media): that keeps consent, not the connection.
        _clock.Advance(timeout - TimeSpan.FromSeconds(1));
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        await TransportHarness.CountedAsync(() => _harness.Events.IceChecks.Count == 2, "the check is handled");
        connection.IsClosed.Should().BeFalse("the drain has waited less than the timeout");

        _clock.Advance(TimeSpan.FromSeconds(1));

        await TransportHarness.CountedAsync(() => _harness.Ports.Tcp!.ConnectionCount == 0, "the stalled connection is closed");
        connection.IsClosed.Should().BeTrue();
        await TransportHarness.CountedAsync(() => connection.SendBacklogCapacity == 0, "its backlog goes back to the pool");
    }

    [Fact]
    public async Task A_frame_whose_handling_throws_is_counted_and_the_connection_goes_on()
    {
        using var client = Connect();
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        ReadFrame(client);
        _harness.Secure();
        using var keys = _harness.BrowserOutbound();
        _harness.Events.RtpToFail = 1;

        client.Send([.. Framed(SrtpTestPackets.ProtectRtp(keys, SrtpTestPackets.PlainRtp(0x5151, 1), RtpLength)),
            .. Framed(SrtpTestPackets.ProtectRtp(keys, SrtpTestPackets.PlainRtp(0x5151, 2), RtpLength))]);

        await TransportHarness.CountedAsync(() => _harness.Events.Rtp.Count == 1, "the packet after the failed one is handed up");
        BinaryPrimitives.ReadUInt16BigEndian(_harness.Events.Rtp.Single().AsSpan(2)).Should().Be(2);
        _harness.Ports.Tcp!.ConnectionCount.Should().Be(1, "a bug in one packet's handling does not end the call's connection");
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        StunMessage.TryParse(ReadFrame(client), out var answer).Should().BeTrue();
        answer.Class.Should().Be(StunMessageClass.SuccessResponse);
        _harness.Ports.Tcp.Counters.Unknown.Should().Be(1, "the lost frame is counted");
    }

    /// <summary>Relays media to a peer that reads nothing until a packet is dropped; returns its sequence number.</summary>
    private ushort RelayUntilDropped(IceTcpConnection connection, Action? onEach = null)
    {
        var packet = new byte[2048];
        ushort sequence = 0;
        do
        {
            onEach?.Invoke();
            sequence++;
            sequence.Should().BeLessThan(60_000, "the kernel and the backlog are bounded");
            SrtpTestPackets.PlainRtp(0x6161, sequence).AsSpan(0, RtpLength).CopyTo(packet);
        }
        while (_harness.Transport.TrySendRtp(packet, RtpLength));

        connection.IsClosed.Should().BeFalse("a whole frame that does not fit is dropped, the connection kept");
        return sequence;
    }

    /// <summary>Checks and secures <paramref name="client"/>'s connection: it becomes the selected path.</summary>
    private IceTcpConnection CheckedAndSelected(Socket client)
    {
        client.Send(Framed(Check(TransportHarness.Password, out _)));
        ReadFrame(client);
        _harness.Secure();
        return (IceTcpConnection)_harness.Ice.Selected!.Link;
    }

    private Socket Connect(int? receiveBufferBytes = null, IPAddress? from = null, IPEndPoint? to = null)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferBytes is { } bytes)
        {
            client.ReceiveBufferSize = bytes; // before connecting, so the window it announces stays small
        }

        if (from is not null)
        {
            client.Bind(new IPEndPoint(from, 0)); // all of 127/8 is this machine's loopback
        }

        client.Connect(to ?? _harness.TcpEndpoint);
        client.ReceiveTimeout = (int)SimulatedBrowser.Timeout.TotalMilliseconds;
        _clients.Add(client);
        return client;
    }

    private static byte[] Check(string password, out byte[] transactionId)
    {
        var request = new byte[StunWriter.MaxLength];
        var length = SimulatedBrowser.WriteCheck(request, $"{TransportHarness.Ufrag}:peer", password, useCandidate: true, out transactionId);
        return request[..length];
    }

    private static byte[] CheckAs(string ufrag, string password)
    {
        var request = new byte[StunWriter.MaxLength];
        var length = SimulatedBrowser.WriteCheck(request, $"{ufrag}:peer", password, useCandidate: true, out _);
        return request[..length];
    }

    private static byte[] Framed(byte[] packet)
    {
        var framed = new byte[2 + packet.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)packet.Length);
        packet.CopyTo(framed, 2);
        return framed;
    }

    /// <summary>Writes the bytes cut at the given offsets, pausing between pieces so each arrives on its own.</summary>
    private static async Task SendInPiecesAsync(Socket client, byte[] bytes, params int[] cuts)
    {
        var start = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            client.Send(bytes.AsSpan(start, cut - start));
            start = cut;
            await Task.Delay(30);
        }
    }

    private static byte[] ReadFrame(Socket client)
    {
        var header = ReadExactly(client, 2);
        return ReadExactly(client, BinaryPrimitives.ReadUInt16BigEndian(header));
    }

    private static byte[] ReadExactly(Socket client, int length)
    {
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = client.Receive(buffer, read, length - read, SocketFlags.None);
            n.Should().BePositive("the connection must stay open while a frame is expected");
            read += n;
        }

        return buffer;
    }

    private static void ShouldBeClosed(Socket client)
    {
        var buffer = new byte[64];
        try
        {
            client.Receive(buffer).Should().Be(0, "the server closes the connection without answering");
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset)
        {
            // Closed with unread data: a reset is a close too.
        }
    }
}
