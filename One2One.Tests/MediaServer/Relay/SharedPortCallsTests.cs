using One2One.MediaServer.Elements;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;
using Xunit.Abstractions;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// Two hundred endpoints on one port: each call relays its own media to its own browsers, rewritten exactly, and the
/// process runs no more threads for them than for one call. Alone in the process, so its thread count is ours.
/// </summary>
[Collection(ProcessMeasurementCollection.Name)]
public sealed class SharedPortCallsTests(HundredCalls calls, ITestOutputHelper output) : IClassFixture<HundredCalls>
{
    private const int Rounds = 4;

    [Fact]
    public async Task Every_call_gets_only_its_own_media_with_its_sinks_ssrcs_and_payload_types()
    {
        var port = calls.Pairs[0].A.Session.Transport.LocalPort;
        calls.Pairs.SelectMany(p => new[] { p.A, p.B }).Should().HaveCount(2 * HundredCalls.Calls)
            .And.AllSatisfy(e => e.Session.Transport.LocalPort.Should().Be(port, "every endpoint shares the one port"));

        // Every browser sends audio and video to its peer, interleaved across all calls; each payload is unique.
        var sent = calls.Pairs.SelectMany(p => new[] { (p.A, p.B), (p.B, p.A) }).ToDictionary(leg => leg.Item2, _ => new List<(KurentoMediaType Kind, byte[] Rtp)>());
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (a, b) in calls.Pairs)
            {
                foreach (var (from, to) in new[] { (a, b), (b, a) })
                {
                    foreach (var kind in (KurentoMediaType[])[KurentoMediaType.Audio, KurentoMediaType.Video])
                    {
                        var payload = new byte[kind == KurentoMediaType.Audio ? 60 : 900];
                        Random.Shared.NextBytes(payload);
                        var sequence = (ushort)(100 + (2 * round) + (int)kind);
                        sent[to].Add((kind, from.Browser.SendRtp(kind, sequence, (uint)sequence * 960, marker: kind == KurentoMediaType.Video, payload)));
                    }
                }
            }
        }

        foreach (var (receiver, expected) in sent)
        {
            foreach (var (kind, rtp) in expected)
            {
                var received = await receiver.Browser.NextRtpAsync($"at {receiver} for {kind}");
                received.Ssrc.Should().Be(receiver.OutgoingSsrc(kind), "the sink's own announced SSRC for {0}", kind);
                received.PayloadType.Should().Be(receiver.Browser.PayloadType(kind), "the sink browser's own number for the codec");
                received.SequenceNumber.Should().Be(RtpSequence(rtp));
                received.AfterFixedHeader.Should().Equal(rtp[12..], "the packet of this call's peer, in order, untouched but for SSRC and payload type");
            }
        }

        foreach (var endpoint in sent.Keys)
        {
            endpoint.Browser.UndecryptablePackets.Should().Be(0, "no other call's media reached {0}", endpoint);
            endpoint.Session.Transport.Counters.TotalDropped.Should().Be(0);
            endpoint.Session.UnroutablePackets.Should().Be(0);
        }

        calls.Rig.Factory.Ports.Udp.Counters.TotalDropped.Should().Be(0, "every datagram found its transport");
    }

    [Fact]
    public void The_process_runs_as_many_threads_for_200_endpoints_as_for_2()
    {
        output.WriteLine($"2 endpoints:   {calls.AtTwoEndpoints}");
        output.WriteLine($"200 endpoints: {calls.AtAllEndpoints}");

        calls.AtAllEndpoints.Named("Media worker").Should().Be(calls.AtTwoEndpoints.Named("Media worker"), "the workers are a fixed set");
        OwnThreads(calls.AtAllEndpoints).Should().BeLessThanOrEqualTo(OwnThreads(calls.AtTwoEndpoints) + 2,
            "no thread per endpoint or call (a thread each would be 198 more)");

        // The thread pool grows while the handshakes of 8 calls at a time keep both cores busy (a dozen workers when this
        // class runs alone, fewer in the whole suite, whose pool has grown already): the runtime's, bounded by its own
        // rules, never one per call.
        calls.AtAllEndpoints.Named(PoolWorker).Should().BeLessThan(HundredCalls.Calls / 4, "the thread pool does not grow with calls");
    }

    private const string PoolWorker = ".NET TP Worker";

    /// <summary>The threads other than the thread pool's workers: the media server's, the runtime's fixed ones.</summary>
    private static int OwnThreads(ThreadCensus census) => census.Total - census.Named(PoolWorker);

    private static ushort RtpSequence(byte[] rtp) => (ushort)((rtp[2] << 8) | rtp[3]);
}
