using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.MediaServer.Rtc.Srtp;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Rtp;
using Xunit.Abstractions;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// The relay's hot path (receive, SRTP unprotect, route, rewrite, SRTP protect, send; RTCP translate) allocates nothing
/// per packet. The relay runs on the transports' receive loops, so this measures the whole process
/// (GC.GetTotalAllocatedBytes) minus what the test's own thread allocated, over a burst sent synchronously from that
/// thread while both simulated browsers have stopped reading (their packets wait in the kernel).
/// </summary>
[Collection(ProcessMeasurementCollection.Name)]
public sealed class RelayAllocationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int WarmUpPackets = 1000;
    private const int MeasuredPackets = 2000;
    private const int Rounds = 5;

    // Small chunks: most packets find the receive loop waiting, as real media (one packet every few ms) does.
    private const int Chunk = 8;

    // Bursts of thousands of packets while the rig's clock stands still: no inbound budget, which would refuse them.
    private readonly RelayRig _rig = RelayRig.Create(options => options.MaxInboundPacketsPerSecond = 0);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Theory]
    [InlineData((int)SrtpProfile.AeadAes128Gcm)]
    [InlineData((int)SrtpProfile.AesCm128HmacSha1_80)]
    public async Task Relaying_a_burst_of_rtp_and_rtcp_allocates_nothing_per_packet(int profileId)
    {
        var profile = (SrtpProfile)profileId;
        var (a, b) = await _rig.CallAsync(new SimulatedBrowser(srtpProfiles: profile), new SimulatedBrowser(srtpProfiles: profile));
        await a.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");
        await b.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");
        await a.Browser.StopReceivingAsync();
        await b.Browser.StopReceivingAsync();
        var relayed = Burst(a, b, Datagrams(a, 0, WarmUpPackets), relayedBefore: 0);

        // The cheapest of a few bursts: the runtime's one-offs (a pool thread's first run of a loop, lazy caches) land
        // in some burst, while a per-packet allocation would be in every one.
        var allocated = new long[Rounds];
        for (var round = 0; round < Rounds; round++)
        {
            var datagrams = Datagrams(a, WarmUpPackets + (round * MeasuredPackets), MeasuredPackets);
            var totalBefore = GC.GetTotalAllocatedBytes(precise: true);
            var ownBefore = GC.GetAllocatedBytesForCurrentThread();
            relayed = Burst(a, b, datagrams, relayed);
            var ownAfter = GC.GetAllocatedBytesForCurrentThread();
            var totalAfter = GC.GetTotalAllocatedBytes(precise: true);
            allocated[round] = (totalAfter - totalBefore) - (ownAfter - ownBefore);
        }

        output.WriteLine($"{profile}: bytes allocated off the test thread per burst of {MeasuredPackets} datagrams: {string.Join(", ", allocated)}");
        // A per-packet allocation (an object is at least 24 bytes) would be 48 KB or more per burst; the allowance of 8
        // bytes a packet leaves room for the process's own background work on a loaded machine (timers, the pool).
        allocated.Min().Should().BeLessThan(MeasuredPackets * 8, "the relay path must not allocate per packet");
        b.Session.Transport.Counters.SendFailed.Should().Be(0);
        a.Session.UnroutablePackets.Should().Be(0);
    }

    /// <summary>SRTP from A's browser, protected beforehand: audio and video RTP, and every 20th an SRTCP sender report.</summary>
    private static (byte[] Datagram, bool IsRtp)[] Datagrams(RelayEndpoint a, int first, int count)
    {
        var datagrams = new (byte[], bool)[count];
        var payload = new byte[1000];
        Random.Shared.NextBytes(payload);
        for (var i = 0; i < count; i++)
        {
            var n = first + i;
            if (n % 20 == 19)
            {
                datagrams[i] = (a.Browser.ProtectRtcp(RtcpTestPackets.Compound(
                    RtcpTestPackets.SenderReport(a.Browser.Offer.VideoSsrc, a.OutgoingSsrc(KurentoMediaType.Video)),
                    RtcpTestPackets.SourceDescription((a.Browser.Offer.VideoSsrc, "cname-of-a")))), false);
                continue;
            }

            var kind = n % 3 == 0 ? KurentoMediaType.Audio : KurentoMediaType.Video;
            var rtp = a.Browser.Rtp(kind, (ushort)n, (uint)n * 960, marker: n % 10 == 0, payload.AsSpan(0, kind == KurentoMediaType.Audio ? 100 : 1000));
            datagrams[i] = (a.Browser.ProtectRtp(rtp), true);
        }

        return datagrams;
    }

    /// <summary>
    /// Sends the datagrams in chunks (so no socket buffer overflows) and waits, without leaving this thread, until B's
    /// endpoint has sent every RTP packet on to B's browser; returns how many it has sent in all.
    /// </summary>
    private static long Burst(RelayEndpoint a, RelayEndpoint b, (byte[] Datagram, bool IsRtp)[] datagrams, long relayedBefore)
    {
        var relayed = relayedBefore;
        for (var start = 0; start < datagrams.Length; start += Chunk)
        {
            var end = Math.Min(start + Chunk, datagrams.Length);
            for (var i = start; i < end; i++)
            {
                a.Browser.Send(datagrams[i].Datagram);
                relayed += datagrams[i].IsRtp ? 1 : 0;
            }

            var deadline = Environment.TickCount64 + (long)SimulatedBrowser.Timeout.TotalMilliseconds;
            while (SentToBrowser(b.Session) < relayed)
            {
                Environment.TickCount64.Should().BeLessThan(deadline, "B's endpoint relays every packet");
                Thread.Yield();
            }
        }

        return relayed;
    }

    private static long SentToBrowser(WebRtcSession session)
    {
        long packets = 0;
        foreach (var stream in session.GetStats())
        {
            packets += stream.Inbound ? 0 : stream.Packets;
        }

        return packets;
    }
}
