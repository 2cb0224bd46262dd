using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Tls;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class DtlsServerSessionTests
{
    /// <summary>A liveness bound for awaits, not a speed claim: a healthy handshake takes milliseconds.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Shared;
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Create();

    private static TestDtlsSrtpClient Client(int[]? profiles = null, bool sendCertificate = true, bool offerSrtp = true) =>
        new(ClientCertificate, ServerCertificate.Fingerprint, profiles, sendCertificate, offerSrtp);

    private static void ShouldMatch(SrtpKeyingMaterial server, SrtpKeyingMaterial client)
    {
        server.Profile.Should().Be(client.Profile);
        server.ClientWriteKey.ToArray().Should().Equal(client.ClientWriteKey.ToArray());
        server.ClientWriteSalt.ToArray().Should().Equal(client.ClientWriteSalt.ToArray());
        server.ServerWriteKey.ToArray().Should().Equal(client.ServerWriteKey.ToArray());
        server.ServerWriteSalt.ToArray().Should().Equal(client.ServerWriteSalt.ToArray());
        server.ClientWriteKey.ToArray().Should().NotEqual(server.ServerWriteKey.ToArray());
    }

    [Theory]
    [InlineData(SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, 12)]
    [InlineData(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 14)]
    [InlineData(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, 14)]
    public async Task Both_ends_derive_the_same_SRTP_keys_for_each_profile(int offered, int saltLength)
    {
        var expected = (SrtpProfile)offered;
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;
        var client = Client([offered]);

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        await pipe.ConnectClient(client).WaitAsync(Bound);
        var keys = await serverKeys.WaitAsync(Bound);

        keys.Profile.Should().Be(expected);
        keys.ClientWriteKey.Length.Should().Be(16);
        keys.ServerWriteKey.Length.Should().Be(16);
        keys.ClientWriteSalt.Length.Should().Be(saltLength);
        keys.ServerWriteSalt.Length.Should().Be(saltLength);
        ShouldMatch(keys, client.KeyingMaterial!);
        client.ServerCertificateChecked.Should().BeTrue();
        session.State.Should().Be(DtlsSessionState.Connected);
    }

    [Theory]
    [InlineData(new[] { SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM }, SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM)]
    [InlineData(new[] { SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80 }, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80)]
    public async Task The_server_picks_the_profile_by_its_own_preference(int[] offered, int chosen)
    {
        var expected = (SrtpProfile)chosen;
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var client = Client(offered);
        await pipe.ConnectClient(client).WaitAsync(Bound);

        (await serverKeys.WaitAsync(Bound)).Profile.Should().Be(expected);
        client.KeyingMaterial!.Profile.Should().Be(expected);
    }

    [Theory]
    [InlineData("wrong fingerprint", "does not match the offer's a=fingerprint")]
    [InlineData("no client certificate", "sent no certificate")]
    [InlineData("no use_srtp", "did not offer the use_srtp extension")]
    [InlineData("no common profile", "no SRTP protection profile in common: the client offered [0x0005]")]
    public async Task A_handshake_the_server_must_refuse_fails_with_the_reason(string what, string reason)
    {
        var (client, expected) = what switch
        {
            "wrong fingerprint" => (Client(), DtlsCertificate.Create().Fingerprint),
            "no client certificate" => (Client(sendCertificate: false), ClientCertificate.Fingerprint),
            "no use_srtp" => (Client(offerSrtp: false), ClientCertificate.Fingerprint),
            _ => (Client([SrtpProtectionProfile.SRTP_NULL_HMAC_SHA1_80]), ClientCertificate.Fingerprint),
        };
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;

        var handshake = session.Start(expected);
        var connect = pipe.ConnectClient(client);

        var failure = await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>(what);
        failure.Which.Message.Should().Contain(reason, what);
        await FluentActions.Awaiting(() => connect.WaitAsync(Bound)).Should().ThrowAsync<TlsFatalAlertReceived>(what);
        session.State.Should().Be(DtlsSessionState.Failed);
        session.HandshakeThread!.Join(Bound).Should().BeTrue();
    }

    [Fact]
    public async Task Garbage_and_truncated_datagrams_before_and_during_the_handshake_are_survived()
    {
        var random = new Random(20240607);
        byte[] Garbage()
        {
            var datagram = new byte[random.Next(1, 400)];
            random.NextBytes(datagram);
            datagram[0] = (byte)random.Next(20, 64);
            return datagram;
        }

        // Records with a plausible DTLS 1.2 header: an epoch-0 handshake fragment far ahead of the window,
        // a record whose length field lies, and an epoch-1 record that cannot authenticate.
        byte[] Record(byte type, int epoch, int length, int bodyLength)
        {
            var record = new byte[13 + bodyLength];
            record[0] = type;
            record[1] = 0xFE;
            record[2] = 0xFD;
            record[4] = (byte)epoch;
            record[10] = (byte)random.Next(1, 255);
            record[11] = (byte)(length >> 8);
            record[12] = (byte)length;
            random.NextBytes(record.AsSpan(13));
            return record;
        }

        var farAhead = Record(22, 0, 16, 16);
        farAhead.AsSpan(13).Clear();
        farAhead[13] = 1;
        farAhead[17] = 0x7F; // message_seq 0x7F00: ignored as too far ahead

        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;
        for (var i = 0; i < 20; i++)
        {
            session.OnDatagram(Garbage());
        }

        session.OnDatagram(farAhead);
        session.OnDatagram(Record(22, 0, 500, 20));
        session.OnDatagram([]);
        session.OnDatagram(new byte[5000]);
        var clientDatagrams = 0;
        pipe.ClientToServer = (datagram, deliver) =>
        {
            clientDatagrams++;
            deliver(Garbage());
            deliver(datagram[..(datagram.Length / 2)]);
            deliver(datagram[..1]);
            deliver(Record(23, 1, 40, 40));
            deliver(Record(21, 1, 26, 26));
            deliver(datagram);
        };

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var client = Client();
        var clientTransport = await pipe.ConnectClient(client).WaitAsync(Bound);
        var keys = await serverKeys.WaitAsync(Bound);

        ShouldMatch(keys, client.KeyingMaterial!);
        clientDatagrams.Should().BeGreaterThan(1);

        // After the handshake too: forged records are discarded and the connection stays up.
        session.OnDatagram(Garbage());
        session.OnDatagram(Record(23, 1, 40, 40));
        session.OnDatagram(Record(21, 1, 26, 26));
        clientTransport.Close();
        await session.Closed.WaitAsync(Bound);
        session.State.Should().Be(DtlsSessionState.Closed);
    }

    [Fact]
    public async Task A_retransmitted_client_flight_after_the_handshake_is_answered_without_the_handshake_thread()
    {
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;
        var lostFinished = 0;

        // Lose our first Finished (handshake record in epoch 1): the client retransmits its last flight,
        // which only the post-handshake path can answer.
        pipe.ServerToClient = datagram =>
            !(datagram[0] == 22 && datagram[4] == 1 && Interlocked.CompareExchange(ref lostFinished, 1, 0) == 0);

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var client = Client();
        var clientConnect = pipe.ConnectClient(client);
        var keys = await serverKeys.WaitAsync(Bound);
        session.HandshakeThread!.Join(Bound).Should().BeTrue();
        clientConnect.IsCompleted.Should().BeFalse("the client has not seen our Finished yet");

        await clientConnect.WaitAsync(Bound);

        lostFinished.Should().Be(1);
        ShouldMatch(keys, client.KeyingMaterial!);
        session.State.Should().Be(DtlsSessionState.Connected);
    }

    [Fact]
    public async Task Close_notify_from_the_client_closes_the_session_and_is_answered()
    {
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;
        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var clientTransport = await pipe.ConnectClient(Client()).WaitAsync(Bound);
        await serverKeys.WaitAsync(Bound);
        var sentBeforeClose = pipe.ServerDatagrams;

        clientTransport.Close();

        await session.Closed.WaitAsync(Bound);
        session.State.Should().Be(DtlsSessionState.Closed);
        pipe.ServerDatagrams.Should().Be(sentBeforeClose + 1, "the server answers close_notify with its own");
        session.OnDatagram(new byte[] { 21, 0xFE, 0xFD });
        session.DroppedDatagrams.Should().Be(1);
    }

    [Fact]
    public async Task Dispose_when_connected_sends_close_notify_and_then_nothing()
    {
        using var pipe = new DtlsTestPipe();
        var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;
        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var client = Client();
        var clientTransport = await pipe.ConnectClient(client).WaitAsync(Bound);
        await serverKeys.WaitAsync(Bound);

        session.Dispose();
        session.Dispose();

        await session.Closed.WaitAsync(Bound);
        clientTransport.Receive(new byte[2048], 0, 2048, 100).Should().Be(-1);
        client.ReceivedAlerts.Should().Contain(AlertDescription.close_notify);
        var sent = pipe.ServerDatagrams;
        session.OnDatagram(new byte[] { 23, 0xFE, 0xFD, 0, 1 });
        pipe.ServerDatagrams.Should().Be(sent);
    }

    [Fact]
    public async Task Dispose_mid_handshake_cancels_it_ends_its_thread_and_sends_nothing_more()
    {
        using var pipe = new DtlsTestPipe();
        var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;
        var serverFlightSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipe.ServerToClient = _ =>
        {
            serverFlightSent.TrySetResult();
            return false; // the client never hears back: the handshake stays half-way
        };
        var handshake = session.Start(ClientCertificate.Fingerprint);
        var client = Client();
        var clientConnect = pipe.ConnectClient(client);
        await serverFlightSent.Task.WaitAsync(Bound);

        session.Dispose();
        var sentAtDispose = pipe.ServerDatagrams;

        session.HandshakeThread!.Join(Bound).Should().BeTrue();
        session.HandshakeThread.IsAlive.Should().BeFalse();
        await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<OperationCanceledException>();
        await session.Closed.WaitAsync(Bound);
        pipe.ServerDatagrams.Should().Be(sentAtDispose, "no alert or retransmission goes out after Dispose");
        session.OnDatagram(new byte[] { 22, 0xFE, 0xFD });
        Action restart = () => session.Start(ClientCertificate.Fingerprint);
        restart.Should().Throw<ObjectDisposedException>();

        client.Cancel();
        await FluentActions.Awaiting(() => clientConnect.WaitAsync(Bound)).Should().ThrowAsync<Exception>();
    }

    [Fact]
    public async Task The_handshake_times_out_by_the_sessions_TimeProvider()
    {
        var time = new FakeTimeProvider();
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe, timeProvider: time,
            options: new DtlsServerSessionOptions { HandshakeTimeout = TimeSpan.FromSeconds(30) });
        pipe.Session = session;
        var handshake = session.Start(ClientCertificate.Fingerprint);

        time.Advance(TimeSpan.FromSeconds(30));

        var failure = await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>();
        failure.Which.Message.Should().Contain("did not finish within 30 s");
        session.HandshakeThread!.Join(Bound).Should().BeTrue();
        session.State.Should().Be(DtlsSessionState.Failed);
    }

    [Fact]
    public async Task The_callers_token_cancels_the_handshake()
    {
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;
        using var cts = new CancellationTokenSource();
        var handshake = session.Start(ClientCertificate.Fingerprint, cts.Token);

        await cts.CancelAsync();

        await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<OperationCanceledException>();
        session.HandshakeThread!.Join(Bound).Should().BeTrue();
    }

    [Fact]
    public void Start_is_once_only_and_needs_a_fingerprint()
    {
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);

        Action none = () => session.Start(Array.Empty<DtlsFingerprint>());
        none.Should().Throw<ArgumentException>();
        session.Start(ClientCertificate.Fingerprint);
        Action again = () => session.Start(ClientCertificate.Fingerprint);
        again.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public async Task A_burst_of_handshakes_completes_on_dedicated_threads_while_the_thread_pool_keeps_working()
    {
        const int Calls = 32;
        var pipes = Enumerable.Range(0, Calls).Select(_ => new DtlsTestPipe()).ToArray();
        var sessions = pipes.Select(p => p.Session = new DtlsServerSession(ServerCertificate, p)).ToArray();
        try
        {
            // All 32 handshake threads start and park waiting for a ClientHello.
            var handshakes = sessions.Select(s => s.Start(ClientCertificate.Fingerprint)).ToArray();
            sessions.Should().AllSatisfy(s =>
            {
                s.HandshakeThread!.IsThreadPoolThread.Should().BeFalse();
                s.HandshakeThread.IsBackground.Should().BeTrue();
            });
            SpinWait.SpinUntil(
                () => sessions.All(s => (s.HandshakeThread!.ThreadState & ThreadState.WaitSleepJoin) != 0),
                Bound).Should().BeTrue("every handshake thread parks waiting for its client");

            // The pool still runs work: more items than it has minimum threads, each needing a pool thread.
            ThreadPool.GetMinThreads(out var minWorkers, out _);
            var poolWork = Enumerable.Range(0, minWorkers * 4).Select(_ => Task.Run(() => Thread.CurrentThread.IsThreadPoolThread)).ToArray();
            (await Task.WhenAll(poolWork).WaitAsync(Bound)).Should().AllSatisfy(onPool => onPool.Should().BeTrue());
            sessions.Should().AllSatisfy(s => s.State.Should().Be(DtlsSessionState.Connecting));

            var clients = pipes.Select(_ => Client()).ToArray();
            var connects = pipes.Select((p, i) => p.ConnectClient(clients[i])).ToArray();
            await Task.WhenAll(connects).WaitAsync(Bound);
            var keys = await Task.WhenAll(handshakes).WaitAsync(Bound);

            for (var i = 0; i < Calls; i++)
            {
                ShouldMatch(keys[i], clients[i].KeyingMaterial!);
            }

            keys.Select(k => Convert.ToHexString(k.ClientWriteKey.Span)).Should().OnlyHaveUniqueItems();
            sessions.Should().AllSatisfy(s => s.HandshakeThread!.Join(Bound).Should().BeTrue());
        }
        finally
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }

            foreach (var pipe in pipes)
            {
                pipe.Dispose();
            }
        }
    }
}
