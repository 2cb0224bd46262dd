using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Dtls.Records;
using One2One.MediaServer.Rtc.Srtp;
using One2One.Tests.MediaServer.Relay.Support;
using Org.BouncyCastle.Tls;
using static One2One.Tests.MediaServer.Rtc.Dtls.DtlsTesting;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// A client that completed a real handshake floods its own validated address with datagrams of <see cref="ForgedRecords"/>
/// from a feeder thread, as fast as the session's queue takes them. Runs alone: it counts what the whole process does
/// (first-chance exceptions, the pool's work).
/// </summary>
[Collection(ProcessMeasurementCollection.Name)]
public class DtlsForgedRecordFloodTests
{
    /// <summary>How long the flood goes on before the counts are read: "a few seconds", not a speed claim.</summary>
    private static readonly TimeSpan FloodLength = TimeSpan.FromSeconds(2);

    /// <summary>A liveness bound, not a speed claim: what must still happen during the flood happens within it.</summary>
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(5);

    /// <remarks>
    /// AES-128 authenticates on our AES-NI GCM where the CPU allows (no exception at all); AES-256 only on the platform's
    /// AesGcm, which throws per failure, so there the <see cref="BadRecordLimit"/> is the bound. The session's clock is a
    /// fake that never moves: the limit's window never ends, so its count is the bound for the whole flood.
    /// </remarks>
    [Theory]
    [InlineData(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)]
    [InlineData(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)]
    public async Task A_flood_of_forged_records_costs_bounded_exceptions_one_work_item_at_a_time_and_Dispose_completes_while_it_goes_on(int suite)
    {
        var time = new FakeTimeProvider();
        using var test = Connected(time: time);
        var (session, pipe) = test;
        var client = new TestDtlsSrtpClient(TestClientCredential.Ecdsa(ClientCertificate), ServerCertificate.Fingerprint, cipherSuites: [suite]);
        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        await pipe.ConnectClient(client).WaitAsync(Bound);
        await serverKeys.WaitAsync(Bound);
        client.NegotiatedCipherSuite.Should().Be(suite);
        var discardedBefore = session.DiscardedRecords;

        var exceptions = 0;
        void CountTagMismatches(object? sender, FirstChanceExceptionEventArgs e)
        {
            // The handler runs on the throwing thread with its stack intact: only what our record protection throws counts.
            if (e.Exception is AuthenticationTagMismatchException && Environment.StackTrace.Contains(nameof(DtlsRecordProtection), StringComparison.Ordinal))
            {
                Interlocked.Increment(ref exceptions);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += CountTagMismatches;
        using var unsubscribe = new Unsubscribe(() => AppDomain.CurrentDomain.FirstChanceException -= CountTagMismatches);
        using var flood = new Flood(session);
        await Task.Delay(FloodLength);
        var poolRuns = Task.Run(() => { });
        (await Task.WhenAny(poolRuns, Task.Delay(Liveness))).Should().BeSameAs(poolRuns, "the thread pool still runs other work during the flood");

        (session.DiscardedRecords - discardedBefore).Should().BeGreaterThan(10 * ForgedRecords.PerDatagram, "the flood reached the connection");
        var refusedWithoutException = suite == CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 && AcceleratedAes.IsEnabled;
        Volatile.Read(ref exceptions).Should().BeLessThanOrEqualTo(refusedWithoutException ? 0 : BadRecordLimit.FailuresPerWindow,
            "a forged record costs no exception, or at most the bad-record limit's few a second, not one each");
        if (refusedWithoutException)
        {
            session.UnexaminedRecords.Should().Be(0, "records whose failure costs no exception are all examined");
        }
        else
        {
            session.UnexaminedRecords.Should().BeGreaterThan(0, "past the limit, records whose failure would throw are dropped unexamined");
        }
        session.PeakDrainWorkItems.Should().Be(1, "one drain work item per session is queued or running at a time, however fast datagrams come");
        var dispose = Task.Factory.StartNew(session.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        (await Task.WhenAny(dispose, Task.Delay(Liveness))).Should().BeSameAs(dispose, "Dispose gets the session's lock between two drains");
        flood.IsRunning.Should().BeTrue("Dispose completed while the flood went on");
    }

    private sealed class Unsubscribe(Action unsubscribe) : IDisposable
    {
        public void Dispose() => unsubscribe();
    }

    /// <summary>A feeder thread that keeps the session's queue full of forged datagrams until disposed.</summary>
    private sealed class Flood : IDisposable
    {
        private static readonly int QueueCapacity = new DtlsServerSessionOptions().QueueCapacity;

        private readonly DtlsServerSession _session;
        private readonly Thread _feeder;
        private volatile bool _stop;

        public Flood(DtlsServerSession session)
        {
            _session = session;
            _feeder = new Thread(Feed) { IsBackground = true, Name = "forged DTLS" };
            _feeder.Start();
        }

        public bool IsRunning => _feeder.IsAlive;

        public void Dispose()
        {
            _stop = true;
            _feeder.Join();
        }

        private void Feed()
        {
            var random = new Random(6347);
            var datagram = new byte[ForgedRecords.PerDatagram * ForgedRecords.RecordSize];
            while (!_stop)
            {
                ForgedRecords.Fill(datagram, random);
                _session.OnDatagram(datagram);
                if (_session.PendingDatagrams >= QueueCapacity)
                {
                    Thread.Yield();
                }
            }
        }
    }
}
