using CsCheck;
using Microsoft.Extensions.Logging;
using One2One.MediaServer.Rtc.Dtls;
using One2One.Tests.Fuzz.Support;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Dtls;
using One2One.Tests.Support;

namespace One2One.Tests.Fuzz;

/// <summary>
/// Mutated DTLS records (flights recorded from the BouncyCastle test client and our server) fed to a
/// <see cref="DtlsServerSession"/> through its public contract, <see cref="DtlsServerSession.OnDatagram"/>: before the
/// handshake, between the client's genuine datagrams, or after it. Nothing throws, and the session still completes the
/// genuine handshake (keys equal on both ends) or, once connected, stays up and still reads the client's close_notify.
/// One case is one handshake, so this target runs fewer cases than the others: one per 64 of ONE2ONE_FUZZ_ITERATIONS.
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(CpuHeavyCollection.Name)]
public sealed class DtlsFuzzTests
{
    private const int CasesPerHandshake = 64;
    private const int CiHandshakes = 20;
    private const int MaxDatagramsPerCase = 24;

    /// <summary>When garbage has stalled a handshake, the test client stops waiting after this (a genuine one takes milliseconds).</summary>
    private const int ClientGivesUpMillis = 3_000;

    /// <summary>A liveness bound for awaits, not a speed claim: a healthy handshake takes milliseconds.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Shared;
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Create();

    private enum Phase { BeforeHandshake, DuringHandshake, AfterHandshake }

    [Fact]
    public async Task Mutated_records_before_during_or_after_the_handshake_leave_the_session_working()
    {
        var corpus = await RecordFlightsAsync();
        var gen = Gen.Select(Gen.Enum<Phase>(), FuzzRun.ByteCases(corpus.Length).Array[1, MaxDatagramsPerCase]);
        var settings = FuzzRun.Settings(ciIterations: CiHandshakes * CasesPerHandshake);
        settings = settings with { Iterations = Math.Max(1, settings.Iterations / CasesPerHandshake) };

        await SeededCheck.RunAsync("DTLS records", gen, c => RunCaseAsync(c.Item1, [.. c.Item2.Select(d => Mutator.Apply(corpus[d.Input], d.Mutations, corpus))]),
            c => $"{c.Item1}: {string.Join("; ", c.Item2.Select(d => $"{d} = {Mutator.Hex(Mutator.Apply(corpus[d.Input], d.Mutations, corpus), 64)}"))}",
            settings);
    }

    private static async Task RunCaseAsync(Phase phase, byte[][] garbage)
    {
        using var logs = new RecordingLoggerProvider(LogLevel.Debug);
        using var loggers = logs.CreateFactory();
        try
        {
            await RunCaseAsync(phase, garbage, loggers.CreateLogger<DtlsServerSession>());
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                $"{e.Message}\nThe session logged:\n{string.Join("\n", logs.Entries.Select(l => $"  {l.Level} {l.EventName}: {l.Message}"))}", e);
        }
    }

    private static async Task RunCaseAsync(Phase phase, byte[][] garbage, ILogger<DtlsServerSession> logger)
    {
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe, logger);
        pipe.Session = session;
        if (phase == Phase.BeforeHandshake)
        {
            foreach (var datagram in garbage)
            {
                session.OnDatagram(datagram);
            }
        }
        else if (phase == Phase.DuringHandshake)
        {
            var next = 0;
            pipe.ClientToServer = (genuine, deliver) =>
            {
                for (var i = 0; i < 3 && next < garbage.Length; i++)
                {
                    deliver(garbage[next++]);
                }

                deliver(genuine);
            };
        }

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var client = new TestDtlsSrtpClient(ClientCertificate, ServerCertificate.Fingerprint, handshakeTimeoutMillis: ClientGivesUpMillis);
        var connecting = pipe.ConnectClient(client);
        if (phase != Phase.AfterHandshake && garbage.Any(HasPlaintextRecord))
        {
            // An epoch-0 record is plaintext that nobody can authenticate: a spoofed ClientHello, ChangeCipherSpec or alert
            // can end or stall a handshake in any DTLS implementation (RFC 6347 §4.1.2.7 lets it answer with a fatal alert).
            // What must hold: it ends cleanly, at the latest when the session is disposed, with nothing left running.
            await FluentActions.Awaiting(() => connecting.WaitAsync(Bound)).Should().NotThrowAsync<TimeoutException>("the client ends either way");
            if (!connecting.IsCompletedSuccessfully)
            {
                session.Dispose();
                try
                {
                    await serverKeys.WaitAsync(Bound);
                }
                catch (Exception e) when (e is DtlsHandshakeException or OperationCanceledException)
                {
                }

                session.State.Should().NotBe(DtlsSessionState.Connecting, "a disposed session has nothing left running");
                session.Handshake.IsCompleted.Should().BeTrue("the handshake ends with the session");
                return;
            }
        }

        var clientTransport = await connecting.WaitAsync(Bound);
        var keys = await serverKeys;
        keys.ClientWriteKey.ToArray().Should().Equal(client.KeyingMaterial!.ClientWriteKey.ToArray(), "both ends derived the same keys");
        keys.ServerWriteKey.ToArray().Should().Equal(client.KeyingMaterial.ServerWriteKey.ToArray());

        if (phase == Phase.AfterHandshake)
        {
            foreach (var datagram in garbage)
            {
                await DeliverAsync(session, datagram);
            }

            session.State.Should().Be(DtlsSessionState.Connected, "records that do not authenticate are discarded (RFC 6347 §4.1.2.7)");
            session.Closed.IsCompleted.Should().BeFalse();
        }

        clientTransport.Close();
        await session.Closed.WaitAsync(Bound);
        session.State.Should().Be(DtlsSessionState.Closed, "the client's genuine close_notify still reads");
    }

    /// <summary>True when the datagram holds a DTLS record of epoch 0 (RFC 6347 §4.1): handshake, alert or CCS in the clear.</summary>
    private static bool HasPlaintextRecord(byte[] datagram)
    {
        for (var at = 0; datagram.Length - at >= 13; at += 13 + ((datagram[at + 11] << 8) | datagram[at + 12]))
        {
            if (datagram[at] is >= 20 and <= 23 && datagram[at + 3] == 0 && datagram[at + 4] == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Delivers a datagram, waiting while the session's bounded queue is full (it drops rather than blocks).</summary>
    private static async Task DeliverAsync(DtlsServerSession session, byte[] datagram)
    {
        using var limit = new CancellationTokenSource(Bound);
        while (true)
        {
            var dropped = session.DroppedDatagrams;
            session.OnDatagram(datagram);
            if (session.DroppedDatagrams == dropped || datagram.Length == 0 || session.State != DtlsSessionState.Connected)
            {
                return;
            }

            await Task.Delay(1, limit.Token);
        }
    }

    /// <summary>Every datagram of one genuine handshake, from both ends: the ClientHellos, the client's and the server's flights.</summary>
    private static async Task<byte[][]> RecordFlightsAsync()
    {
        var recorded = new List<byte[]>();
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(ServerCertificate, pipe);
        pipe.Session = session;
        pipe.ClientToServer = (datagram, deliver) =>
        {
            lock (recorded)
            {
                recorded.Add(datagram);
            }

            deliver(datagram);
        };
        pipe.ServerToClient = (datagram, deliver) =>
        {
            lock (recorded)
            {
                recorded.Add(datagram);
            }

            deliver(datagram);
        };
        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var clientTransport = await pipe.ConnectClient(new TestDtlsSrtpClient(ClientCertificate, ServerCertificate.Fingerprint)).WaitAsync(Bound);
        await serverKeys.WaitAsync(Bound);
        clientTransport.Close();
        await session.Closed.WaitAsync(Bound);
        lock (recorded)
        {
            return [.. recorded];
        }
    }
}
