using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls;
using One2One.Tests.Kurento.Support;
using static One2One.Tests.MediaServer.Rtc.Dtls.DtlsTesting;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// The session against a hostile or broken network: loss, duplication, reordering and fragmentation both ways,
/// garbage, truncation, oversized and lying records. It completes or fails cleanly, never throws out of its
/// processing, and never holds more than its bound.
/// </summary>
public class DtlsUnreliableNetworkTests
{
    [Fact]
    public async Task Handshakes_over_a_network_that_drops_duplicates_reorders_and_fragments_complete_within_the_bound()
    {
        const int Handshakes = 10;
        var toServer = Enumerable.Range(0, Handshakes).Select(i => new DatagramChaos(100 + i, drop: 0.1, duplicate: 0.2, reorder: 0.25, fragment: 0.5)).ToArray();
        var toClient = Enumerable.Range(0, Handshakes).Select(i => new DatagramChaos(200 + i, drop: 0.1, duplicate: 0.2, reorder: 0.25)).ToArray();
        var options = new DtlsServerSessionOptions { MaxSendSize = 400 };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Handshakes).Select(i => RunAsync(toServer[i], toClient[i], options)));

        outcomes.Should().AllSatisfy(o =>
        {
            o.Completed.Should().BeTrue(o.Failure);
            o.MaxBuffered.Should().BeLessThanOrEqualTo(options.MaxBufferedBytes);
            o.Warnings.Should().BeEmpty();
        });
        toServer.Sum(c => c.Dropped).Should().BeGreaterThan(0);
        toServer.Sum(c => c.Duplicated).Should().BeGreaterThan(0);
        toServer.Sum(c => c.Reordered).Should().BeGreaterThan(0);
        toServer.Sum(c => c.Fragmented).Should().BeGreaterThan(0);
        toClient.Sum(c => c.Dropped + c.Duplicated + c.Reordered).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Bit_flips_in_the_clients_second_flight_end_the_handshake_cleanly()
    {
        var random = new Random(4242);
        var outcomes = new List<(bool Completed, string? Failure, int MaxBuffered, IReadOnlyList<string> Warnings)>();
        for (var i = 0; i < 24; i++)
        {
            var flips = 0;
            var chaos = new Action<byte[], Action<byte[]>>((datagram, deliver) =>
            {
                // Only the second flight (not the ClientHello), and only its first transmission.
                if (datagram[0] == 22 && datagram.Length > 13 && datagram[13] != 1 && flips++ == 0)
                {
                    var copy = datagram.ToArray();
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                    deliver(copy);
                    return;
                }

                deliver(datagram);
            });
            outcomes.Add(await RunAsync(chaos, null, new DtlsServerSessionOptions()));
        }

        outcomes.Should().AllSatisfy(o =>
        {
            (o.Completed || o.Failure is not null).Should().BeTrue();
            o.Warnings.Should().BeEmpty();
        });
    }

    [Fact]
    public async Task A_flood_of_fragments_oversized_datagrams_and_lying_records_never_takes_the_session_past_its_bound()
    {
        var time = new FakeTimeProvider();
        var logger = new RecordingLogger<DtlsServerSession>();
        var options = new DtlsServerSessionOptions();
        using var test = Connected(options, time, logger);
        var (session, _) = test;
        var handshake = session.Start(ClientCertificate.Fingerprint);
        var random = new Random(99);
        var maxBuffered = 0;

        for (var i = 0; i < 3000 && session.State == DtlsSessionState.Connecting; i++)
        {
            session.OnDatagram(random.Next(10) switch
            {
                0 => new byte[options.MaxDatagramSize + 1],
                1 => LyingRecord(random),
                _ => FragmentFlood(random),
            });
            maxBuffered = Math.Max(maxBuffered, session.BufferedBytes);
            if (i % 64 == 0)
            {
                await Task.Yield();
            }
        }

        await One2One.Tests.Support.Eventually.TrueAsync(() => session.PendingDatagrams == 0, "the queue drains");
        maxBuffered.Should().BeLessThanOrEqualTo(options.MaxBufferedBytes);
        maxBuffered.Should().BeGreaterThan(options.MaxBufferedHandshakeBytes / 2, "the flood really filled the reassembly");
        session.DroppedDatagrams.Should().BeGreaterThan(0, "oversized datagrams are dropped");
        logger.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning);
        if (session.State == DtlsSessionState.Connecting)
        {
            time.Advance(options.HandshakeTimeout);
        }

        await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>();
        session.BufferedBytes.Should().Be(0, "a failed handshake lets go of everything");
    }

    [Fact]
    public async Task Mutated_ClientHellos_never_throw_out_of_the_state_machine()
    {
        var hello = await CaptureClientHelloAsync();
        var random = new Random(1234);
        var scratch = new byte[4096];
        var options = new DtlsServerSessionOptions();
        var phases = new Dictionary<DtlsConnectionPhase, int>();
        for (var i = 0; i < 1500; i++)
        {
            var mutated = Mutate(hello, random);
            using var connection = new DtlsServerConnection(ServerCertificate, [ClientCertificate.Fingerprint], options,
                new DiscardingSender(), new NoTimer(), NullLogger.Instance);

            connection.OnDatagram(mutated, scratch);

            connection.BufferedBytes.Should().BeLessThanOrEqualTo(options.MaxBufferedHandshakeBytes);
            phases[connection.Phase] = phases.GetValueOrDefault(connection.Phase) + 1;
            if (connection.Phase == DtlsConnectionPhase.Failed)
            {
                connection.FailureReason.Should().NotBeNullOrWhiteSpace();
            }
        }

        phases.Keys.Should().BeSubsetOf([DtlsConnectionPhase.AwaitingClientHello, DtlsConnectionPhase.AwaitingClientFlight, DtlsConnectionPhase.Failed]);
        phases.GetValueOrDefault(DtlsConnectionPhase.Failed).Should().BeGreaterThan(0, "some mutations are refused with an alert");
        phases.GetValueOrDefault(DtlsConnectionPhase.AwaitingClientHello).Should().BeGreaterThan(0, "some are dropped as unreadable");
    }

    private static async Task<(bool Completed, string? Failure, int MaxBuffered, IReadOnlyList<string> Warnings)> RunAsync(
        object toServer, DatagramChaos? toClient, DtlsServerSessionOptions options)
    {
        var logger = new RecordingLogger<DtlsServerSession>();
        using var test = Connected(options, logger: logger, clientSendLimit: 300);
        var (session, pipe) = test;
        var maxBuffered = 0;
        var pass = toServer as Action<byte[], Action<byte[]>> ?? ((DatagramChaos)toServer).Pass;
        pipe.ClientToServer = (datagram, deliver) => pass(datagram, d =>
        {
            deliver(d);
            var buffered = session.BufferedBytes;
            InterlockedMax(ref maxBuffered, buffered);
        });
        if (toClient is not null)
        {
            pipe.ServerToClient = toClient.Pass;
        }

        var client = Client();
        var handshake = session.Start(ClientCertificate.Fingerprint);
        var connect = pipe.ConnectClient(client);
        string? failure = null;
        var completed = false;
        try
        {
            var keys = await handshake.WaitAsync(Bound);
            await connect.WaitAsync(Bound);
            ShouldMatch(keys, client.KeyingMaterial!);
            completed = true;
        }
        catch (DtlsHandshakeException e)
        {
            failure = e.Message;
            client.Cancel();
            await FluentActions.Awaiting(() => connect.WaitAsync(Bound)).Should().ThrowAsync<Exception>();
        }

        return (completed, failure, maxBuffered, [.. logger.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.ToString())]);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Handshake fragments of large ClientHellos at message_seq 0..11 and random offsets: reassembly work that rarely completes.</summary>
    private static byte[] FragmentFlood(Random random)
    {
        var records = random.Next(1, 6);
        var datagram = new List<byte>();
        for (var r = 0; r < records; r++)
        {
            var messageLength = random.Next(4096, 20_000);
            var fragmentLength = random.Next(1, 300);
            var offset = random.Next(0, messageLength - fragmentLength);
            var record = new byte[13 + 12 + fragmentLength];
            record[0] = 22;
            record[1] = 0xFE;
            record[2] = 0xFD;
            record[10] = (byte)r;
            record[11] = (byte)((12 + fragmentLength) >> 8);
            record[12] = (byte)(12 + fragmentLength);
            record[13] = 1;
            WriteUInt24(record.AsSpan(14), messageLength);
            record[18] = (byte)random.Next(0, 12);
            WriteUInt24(record.AsSpan(19), offset);
            WriteUInt24(record.AsSpan(22), fragmentLength);
            random.NextBytes(record.AsSpan(25));
            datagram.AddRange(record);
            if (datagram.Count > 1100)
            {
                break;
            }
        }

        return [.. datagram];
    }

    /// <summary>A record whose length field or handshake header lies about what follows.</summary>
    private static byte[] LyingRecord(Random random)
    {
        var record = new byte[random.Next(13, 200)];
        random.NextBytes(record);
        record[0] = (byte)random.Next(20, 24);
        record[1] = 0xFE;
        record[2] = 0xFD;
        record[3] = 0;
        record[4] = (byte)random.Next(0, 3);
        return record;
    }

    private static byte[] Mutate(byte[] hello, Random random)
    {
        var mutated = hello.ToList();
        for (var m = random.Next(1, 5); m > 0; m--)
        {
            switch (random.Next(6))
            {
                case 0 or 1 or 2:
                    var at = random.Next(mutated.Count);
                    mutated[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 3:
                    mutated.RemoveRange(random.Next(mutated.Count), 1);
                    break;
                case 4:
                    mutated[random.Next(mutated.Count)] = (byte)random.Next(256);
                    break;
                default:
                    mutated.InsertRange(random.Next(mutated.Count), Enumerable.Repeat((byte)random.Next(256), random.Next(1, 8)));
                    break;
            }
        }

        return [.. mutated];
    }

    private static void WriteUInt24(Span<byte> destination, int value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    private sealed class DiscardingSender : IDatagramSender
    {
        public void Send(ReadOnlySpan<byte> datagram)
        {
        }
    }

    private sealed class NoTimer : IRetransmissionTimer
    {
        public void Arm(TimeSpan timeout)
        {
        }

        public void Disarm()
        {
        }
    }
}
