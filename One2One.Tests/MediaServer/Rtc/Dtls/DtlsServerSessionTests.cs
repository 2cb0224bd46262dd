using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Srtp;
using One2One.Tests.Kurento.Support;
using Org.BouncyCastle.Tls;
using static One2One.Tests.MediaServer.Rtc.Dtls.DtlsTesting;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class DtlsServerSessionTests
{
    [Theory]
    [InlineData(SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, 12, true)]
    [InlineData(SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, 12, false)]
    [InlineData(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 14, true)]
    [InlineData(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 14, false)]
    [InlineData(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, 14, true)]
    [InlineData(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, 14, false)]
    public async Task Both_ends_derive_the_same_SRTP_keys_for_each_profile_with_and_without_EMS(int offered, int saltLength, bool extendedMasterSecret)
    {
        var expected = (SrtpProfile)offered;
        using var test = Connected();
        var (session, pipe) = test;
        var client = new TestDtlsSrtpClient(TestClientCredential.Ecdsa(ClientCertificate), ServerCertificate.Fingerprint, [offered],
            extendedMasterSecret: extendedMasterSecret);

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        await pipe.ConnectClient(client).WaitAsync(Bound);
        var keys = await serverKeys.WaitAsync(Bound);

        keys.Profile.Should().Be(expected);
        keys.ClientWriteKey.Length.Should().Be(16);
        keys.ServerWriteKey.Length.Should().Be(16);
        keys.ClientWriteSalt.Length.Should().Be(saltLength);
        keys.ServerWriteSalt.Length.Should().Be(saltLength);
        ShouldMatch(keys, client.KeyingMaterial!);
        client.UsedExtendedMasterSecret.Should().Be(extendedMasterSecret);
        client.ServerCertificateChecked.Should().BeTrue();
        session.State.Should().Be(DtlsSessionState.Connected);
    }

    [Theory]
    [InlineData(new[] { SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM }, SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM)]
    [InlineData(new[] { SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80 }, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80)]
    public async Task The_server_picks_the_profile_by_its_own_preference(int[] offered, int chosen)
    {
        var expected = (SrtpProfile)chosen;
        using var test = Connected();
        var (session, pipe) = test;

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var client = Client(offered);
        await pipe.ConnectClient(client).WaitAsync(Bound);

        (await serverKeys.WaitAsync(Bound)).Profile.Should().Be(expected);
        client.KeyingMaterial!.Profile.Should().Be(expected);
    }

    [Theory]
    [InlineData("wrong fingerprint", "does not match the offer's a=fingerprint", AlertDescription.bad_certificate)]
    [InlineData("no client certificate", "sent no certificate", AlertDescription.handshake_failure)]
    [InlineData("no use_srtp", "did not offer the use_srtp extension", AlertDescription.handshake_failure)]
    [InlineData("no common profile", "no SRTP protection profile in common: the client offered [0x0005]", AlertDescription.handshake_failure)]
    public async Task A_handshake_the_server_must_refuse_fails_with_the_reason_and_a_fatal_alert(string what, string reason, short alert)
    {
        var (client, expected) = what switch
        {
            "wrong fingerprint" => (Client(), DtlsCertificate.Create().Fingerprint),
            "no client certificate" => (Client(sendCertificate: false), ClientCertificate.Fingerprint),
            "no use_srtp" => (Client(offerSrtp: false), ClientCertificate.Fingerprint),
            _ => (Client([SrtpProtectionProfile.SRTP_NULL_HMAC_SHA1_80]), ClientCertificate.Fingerprint),
        };
        var statistics = new DtlsHandshakeStatistics();
        var logger = new RecordingLogger<DtlsServerSession>();
        using var test = Connected(new DtlsServerSessionOptions { Statistics = statistics }, logger: logger);
        var (session, pipe) = test;

        var handshake = session.Start(expected);
        var connect = pipe.ConnectClient(client);

        var failure = await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>(what);
        failure.Which.Message.Should().Contain(reason, what);
        failure.Which.ClientHelloReceived.Should().BeTrue();
        var received = await FluentActions.Awaiting(() => connect.WaitAsync(Bound)).Should().ThrowAsync<TlsFatalAlertReceived>(what);
        received.Which.AlertDescription.Should().Be(alert, what);
        session.State.Should().Be(DtlsSessionState.Failed);
        statistics.Failed.Should().Be(1);
        var logged = logger.WithEvent("DtlsHandshakeFailed").Should().ContainSingle().Subject;
        logged.Level.Should().Be(LogLevel.Information);
        logged.Exception.Should().BeNull("an expected protocol failure is logged without a stack trace");
        logged.Message.Should().Contain(reason);
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

        var logger = new RecordingLogger<DtlsServerSession>();
        using var test = Connected(logger: logger);
        var (session, pipe) = test;
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
        var discarded = session.DiscardedRecords;
        pipe.ClientToServer = null;
        session.OnDatagram(Garbage());
        session.OnDatagram(Record(23, 1, 40, 40));
        session.OnDatagram(Record(21, 1, 26, 26));
        await One2One.Tests.Support.Eventually.TrueAsync(() => session.DiscardedRecords >= discarded + 2, "the forged epoch 1 records are discarded");
        session.State.Should().Be(DtlsSessionState.Connected);
        clientTransport.Close();
        await session.Closed.WaitAsync(Bound);
        session.State.Should().Be(DtlsSessionState.Closed);
        logger.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning, "nothing a peer sends is an internal error");
    }

    [Fact]
    public async Task The_keys_are_handed_over_before_our_Finished_goes_out_so_the_browsers_first_media_finds_them()
    {
        var pipe = new DtlsTestPipe();
        SrtpKeyingMaterial? handedOver = null;
        byte[][] sentBeforeHandOver = [];
        var session = new DtlsServerSession(ServerCertificate, pipe, keysReady: keys =>
        {
            handedOver = keys;
            sentBeforeHandOver = [.. pipe.ServerSent];
        });
        pipe.Session = session;
        using var test = new SessionUnderTest(session, pipe);

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var client = Client();
        await pipe.ConnectClient(client).WaitAsync(Bound);
        var keys = await serverKeys.WaitAsync(Bound);

        handedOver.Should().BeSameAs(keys);
        sentBeforeHandOver.Should().NotBeEmpty("our first flight went out long before")
            .And.NotContain(d => ContainsRecord(d, 22, 1), "our Finished (handshake record in epoch 1) must follow the hand-over");
        pipe.ServerSent.Should().Contain(d => ContainsRecord(d, 22, 1));
        ShouldMatch(keys, client.KeyingMaterial!);
    }

    [Fact]
    public async Task A_retransmitted_client_flight_after_the_handshake_is_answered_with_our_last_flight()
    {
        using var test = Connected();
        var (session, pipe) = test;
        var lostFinished = 0;

        // Lose our first Finished (handshake record in epoch 1): the client retransmits its last flight, which the
        // connected session must answer by sending its last flight again (RFC 6347 §4.2.4).
        pipe.LoseServerDatagrams(datagram =>
            ContainsRecord(datagram, type: 22, epoch: 1) && Interlocked.CompareExchange(ref lostFinished, 1, 0) == 0);

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var client = Client();
        var clientConnect = pipe.ConnectClient(client);
        var keys = await serverKeys.WaitAsync(Bound);

        // The client, which never had our first Finished, completes only on our answer to its retransmitted flight.
        await clientConnect.WaitAsync(Bound);

        lostFinished.Should().Be(1);
        session.Retransmissions.Should().BeGreaterThanOrEqualTo(1);
        ShouldMatch(keys, client.KeyingMaterial!);
        session.State.Should().Be(DtlsSessionState.Connected);
    }

    [Fact]
    public async Task Close_notify_from_the_client_closes_the_session_and_is_answered()
    {
        using var test = Connected();
        var (session, pipe) = test;
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
        using var test = Connected();
        var (session, pipe) = test;
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
    public async Task Dispose_mid_handshake_cancels_it_and_sends_nothing_more()
    {
        var statistics = new DtlsHandshakeStatistics();
        using var test = Connected(new DtlsServerSessionOptions { Statistics = statistics });
        var (session, pipe) = test;
        var serverFlightSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipe.LoseServerDatagrams(_ =>
        {
            serverFlightSent.TrySetResult();
            return true; // the client never hears back: the handshake stays half-way
        });
        var handshake = session.Start(ClientCertificate.Fingerprint);
        var client = Client();
        var clientConnect = pipe.ConnectClient(client);
        await serverFlightSent.Task.WaitAsync(Bound);

        session.Dispose();
        var sentAtDispose = pipe.ServerDatagrams;

        await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<OperationCanceledException>();
        await session.Closed.WaitAsync(Bound);
        statistics.Cancelled.Should().Be(1);
        session.OnDatagram(new byte[] { 22, 0xFE, 0xFD });
        await Task.Delay(1200); // past our first retransmission timeout: no timer may still send
        pipe.ServerDatagrams.Should().Be(sentAtDispose, "no alert or retransmission goes out after Dispose");
        Action restart = () => session.Start(ClientCertificate.Fingerprint);
        restart.Should().Throw<ObjectDisposedException>();

        client.Cancel();
        await FluentActions.Awaiting(() => clientConnect.WaitAsync(Bound)).Should().ThrowAsync<Exception>();
    }

    [Fact]
    public async Task The_handshake_times_out_by_the_sessions_TimeProvider_and_a_never_started_one_is_counted_not_warned()
    {
        var time = new FakeTimeProvider();
        var statistics = new DtlsHandshakeStatistics();
        var logger = new RecordingLogger<DtlsServerSession>();
        using var test = Connected(new DtlsServerSessionOptions { HandshakeTimeout = TimeSpan.FromSeconds(30), Statistics = statistics }, time, logger);
        var (session, pipe) = test;
        var handshake = session.Start(ClientCertificate.Fingerprint);

        time.Advance(TimeSpan.FromSeconds(29.9));
        handshake.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(0.1));

        var failure = await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>();
        failure.Which.Message.Should().Contain("did not finish within 30 s").And.Contain("never sent a ClientHello");
        failure.Which.ClientHelloReceived.Should().BeFalse();
        session.State.Should().Be(DtlsSessionState.Failed);
        statistics.NeverStarted.Should().Be(1);
        statistics.Failed.Should().Be(0);
        logger.Entries.Should().NotContain(e => e.Level >= LogLevel.Information, "an endpoint whose browser never started DTLS is routine");
        logger.Entries.Should().NotContain(e => e.Exception != null);
    }

    [Fact]
    public async Task The_callers_token_cancels_the_handshake()
    {
        using var test = Connected();
        var (session, pipe) = test;
        using var cts = new CancellationTokenSource();
        var handshake = session.Start(ClientCertificate.Fingerprint, cts.Token);

        await cts.CancelAsync();

        await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<OperationCanceledException>();
        session.State.Should().Be(DtlsSessionState.Failed);
    }

    [Fact]
    public void Start_is_once_only_and_needs_a_fingerprint()
    {
        using var test = Connected();
        var (session, pipe) = test;

        Action none = () => session.Start(Array.Empty<DtlsFingerprint>());
        none.Should().Throw<ArgumentException>();
        session.Start(ClientCertificate.Fingerprint);
        Action again = () => session.Start(ClientCertificate.Fingerprint);
        again.Should().Throw<InvalidOperationException>();
    }

    /// <summary>True if the datagram holds a record of this content type and epoch.</summary>
    internal static bool ContainsRecord(byte[] datagram, byte type, int epoch)
    {
        var at = 0;
        while (at + 13 <= datagram.Length)
        {
            if (datagram[at] == type && ((datagram[at + 3] << 8) | datagram[at + 4]) == epoch)
            {
                return true;
            }

            at += 13 + ((datagram[at + 11] << 8) | datagram[at + 12]);
        }

        return false;
    }
}
