using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Dtls.Handshake;
using One2One.MediaServer.Rtc.Dtls.Records;
using static One2One.Tests.MediaServer.Rtc.Dtls.DtlsTesting;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>The retransmission timer of RFC 6347 §4.2.4 and the handshake timeout, on a fake clock.</summary>
public class DtlsRetransmissionTests
{
    [Fact]
    public async Task Our_flight_goes_out_again_when_the_timer_expires_doubling_each_time_until_the_handshake_times_out()
    {
        var hello = await CaptureClientHelloAsync();
        var time = new FakeTimeProvider();
        var statistics = new DtlsHandshakeStatistics();
        using var test = Connected(new DtlsServerSessionOptions { HandshakeTimeout = TimeSpan.FromSeconds(10), Statistics = statistics }, time);
        var (session, pipe) = test;
        var handshake = session.Start(ClientCertificate.Fingerprint);

        session.OnDatagram(hello);
        // The timer is armed once the whole flight is out: moving the clock before would start it late.
        await One2One.Tests.Support.Eventually.TrueAsync(() => session.RetransmissionArmed, "the server answers the ClientHello");
        var flight = pipe.ServerDatagrams;
        var first = pipe.ServerSent.ToArray();

        time.Advance(TimeSpan.FromMilliseconds(999));
        pipe.ServerDatagrams.Should().Be(flight, "the first timeout is 1 s (RFC 6347 §4.2.4.1)");
        time.Advance(TimeSpan.FromMilliseconds(1));
        pipe.ServerDatagrams.Should().Be(2 * flight);
        var again = pipe.ServerSent.Skip(flight).ToArray();
        for (var i = 0; i < flight; i++)
        {
            Records(again[i]).Select(r => r.Body).Should().BeEquivalentTo(Records(first[i]).Select(r => r.Body), o => o.WithStrictOrdering(),
                "the same messages go out again");
            Records(again[i]).Select(r => r.Sequence).Should().NotIntersectWith(Records(first[i]).Select(r => r.Sequence),
                "in records with new sequence numbers");
        }

        time.Advance(TimeSpan.FromMilliseconds(1999));
        pipe.ServerDatagrams.Should().Be(2 * flight, "the timeout doubles");
        time.Advance(TimeSpan.FromMilliseconds(1));
        pipe.ServerDatagrams.Should().Be(3 * flight);
        time.Advance(TimeSpan.FromSeconds(4));
        pipe.ServerDatagrams.Should().Be(4 * flight);
        session.Retransmissions.Should().Be(3);

        time.Advance(TimeSpan.FromSeconds(3)); // 10 s since Start
        var failure = await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>();
        failure.Which.Message.Should().Be("the DTLS handshake did not finish within 10 s");
        failure.Which.ClientHelloReceived.Should().BeTrue();
        statistics.Failed.Should().Be(1);
        time.Advance(TimeSpan.FromSeconds(60));
        pipe.ServerDatagrams.Should().Be(4 * flight, "a failed handshake sends nothing more");
    }

    [Fact]
    public async Task A_ClientHello_that_arrives_before_Start_waits_and_is_answered_once_started()
    {
        var hello = await CaptureClientHelloAsync();
        var time = new FakeTimeProvider();
        using var test = Connected(time: time);
        var (session, pipe) = test;

        session.OnDatagram(hello);
        await Task.Delay(50);
        pipe.ServerDatagrams.Should().Be(0, "nothing is processed before Start: the offer's fingerprints are not known yet");
        session.PendingDatagrams.Should().Be(1);
        var handshake = session.Start(ClientCertificate.Fingerprint);

        await One2One.Tests.Support.Eventually.TrueAsync(() => pipe.ServerDatagrams > 0, "the queued ClientHello is answered");
        session.State.Should().Be(DtlsSessionState.Connecting);
        handshake.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task A_repeated_ClientHello_makes_us_send_our_flight_again_at_once()
    {
        var hello = await CaptureClientHelloAsync();
        var time = new FakeTimeProvider();
        using var test = Connected(time: time);
        var (session, pipe) = test;
        var handshake = session.Start(ClientCertificate.Fingerprint);

        session.OnDatagram(hello);
        await One2One.Tests.Support.Eventually.TrueAsync(() => pipe.ServerDatagrams > 0, "the server answers the ClientHello");
        var flight = pipe.ServerDatagrams;
        session.OnDatagram(hello);

        await One2One.Tests.Support.Eventually.TrueAsync(() => pipe.ServerDatagrams == 2 * flight, "the repeated ClientHello is answered without waiting for the timer");
        session.Retransmissions.Should().Be(1);
        session.State.Should().Be(DtlsSessionState.Connecting);
    }

    [Fact]
    public async Task Records_that_only_name_the_ClientHello_get_no_flight_and_real_repeats_get_one_per_interval()
    {
        var hello = await CaptureClientHelloAsync();
        var time = new FakeTimeProvider();
        var options = new DtlsServerSessionOptions { QueueCapacity = 1024 };
        using var test = Connected(options, time);
        var (session, pipe) = test;
        var handshake = session.Start(ClientCertificate.Fingerprint);
        session.OnDatagram(hello);
        await One2One.Tests.Support.Eventually.TrueAsync(() => session.RetransmissionArmed, "the server answers the ClientHello");
        var flight = pipe.ServerDatagrams;
        var helloLength = (hello[13 + 1] << 16) | (hello[13 + 2] << 8) | hello[13 + 3];

        // 1,000 records of 25 bytes naming the ClientHello (message_seq 0, fragment_offset 0) with an empty fragment,
        // of an empty message or of one as long as the real one, and 20 full-length fragments with other bytes.
        for (var i = 0; i < 1000; i++)
        {
            session.OnDatagram(Trigger(sequence: 100 + i, messageLength: i % 2 == 0 ? 0 : helloLength));
        }

        for (var i = 0; i < 20; i++)
        {
            var altered = hello.ToArray();
            altered[^(1 + i)] ^= 0x55;
            session.OnDatagram(altered);
        }

        await ProcessedAsync(session);
        pipe.ServerDatagrams.Should().Be(flight, "none of them repeats the ClientHello we received (RFC 6347 §4.2.4)");

        // A real repeat is answered at once; more within the interval are not; one after it is.
        for (var i = 0; i < 100; i++)
        {
            session.OnDatagram(hello);
        }

        await ProcessedAsync(session);
        pipe.ServerDatagrams.Should().Be(2 * flight, "one flight for a hundred repeats within the interval");
        time.Advance(options.RepeatedFlightAnswerInterval);
        session.OnDatagram(hello);
        await ProcessedAsync(session);
        pipe.ServerDatagrams.Should().Be(3 * flight, "a repeat after the interval gets our flight again");
        session.Retransmissions.Should().Be(2);
        session.DroppedDatagrams.Should().Be(0);
        session.State.Should().Be(DtlsSessionState.Connecting);
        handshake.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task A_lost_flight_is_recovered_by_our_timer_and_the_handshake_completes()
    {
        var time = new FakeTimeProvider();
        using var test = Connected(time: time);
        var (session, pipe) = test;
        var serverDatagramsLost = 0;
        var firstFlightLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientHellos = 0;

        // Our first flight is lost, and so is every repeat of the client's ClientHello: only our own timer can recover.
        pipe.LoseServerDatagrams(_ =>
        {
            if (Volatile.Read(ref serverDatagramsLost) == 0)
            {
                Interlocked.Increment(ref serverDatagramsLost);
                firstFlightLost.TrySetResult();
                return true;
            }

            return false;
        });
        pipe.ClientToServer = (datagram, deliver) =>
        {
            if (datagram[13] == 1 && Interlocked.Increment(ref clientHellos) > 1)
            {
                return;
            }

            deliver(datagram);
        };
        var handshake = session.Start(ClientCertificate.Fingerprint);
        var client = Client();
        var connect = pipe.ConnectClient(client);
        await firstFlightLost.Task.WaitAsync(Bound);
        await One2One.Tests.Support.Eventually.TrueAsync(() => session.RetransmissionArmed, "the lost flight is out, its timer armed");

        time.Advance(TimeSpan.FromSeconds(1));

        await connect.WaitAsync(Bound);
        ShouldMatch(await handshake.WaitAsync(Bound), client.KeyingMaterial!);
        session.Retransmissions.Should().Be(1);
    }

    /// <summary>An epoch 0 handshake record of 25 bytes: a ClientHello header (message_seq 0, offset 0) with an empty fragment.</summary>
    private static byte[] Trigger(long sequence, int messageLength)
    {
        var record = new byte[13 + HandshakeHeader.Size];
        new DtlsRecordHeader(DtlsContentType.Handshake, DtlsRecordHeader.Dtls12, 0, sequence, HandshakeHeader.Size).Write(record);
        new HandshakeHeader(HandshakeType.ClientHello, messageLength, 0, 0, 0).Write(record.AsSpan(13));
        return record;
    }

    /// <summary>Waits until the session has taken every queued datagram; its lock, taken to read a counter, waits out the last one.</summary>
    private static async Task ProcessedAsync(DtlsServerSession session)
    {
        await One2One.Tests.Support.Eventually.TrueAsync(() => session.PendingDatagrams == 0, "the session processes what was queued");
        _ = session.Retransmissions;
    }

    /// <summary>The records of a datagram: each one's sequence number and body.</summary>
    private static List<(long Sequence, byte[] Body)> Records(byte[] datagram)
    {
        var records = new List<(long, byte[])>();
        var rest = datagram.AsSpan();
        while (One2One.MediaServer.Rtc.Dtls.Records.DtlsRecordHeader.TryRead(rest, out var header))
        {
            records.Add((header.SequenceNumber, rest.Slice(13, header.Length).ToArray()));
            rest = rest[(13 + header.Length)..];
        }

        return records;
    }
}
