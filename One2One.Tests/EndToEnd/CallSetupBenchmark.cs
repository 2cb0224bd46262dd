using System.Globalization;
using System.Text.Json;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// The set-up benchmark (issue 7): Alice calls Bob <see cref="Calls"/> times in real Chromium through a real server and
/// its embedded media server, and each page stamps (Date.now(), one clock for both pages) when Bob accepts, when its
/// answer is applied, when ICE and then DTLS connect, and when the first remote video frame is decoded and presented. It prints the
/// p50/p90 of accept → first frame on both pages and of each phase, and records them in <c>call-setup.txt</c>. It checks
/// that every call sets up and frees its media, never how fast (speed is not asserted in tests).
/// </summary>
/// <remarks>Run alone: <c>dotnet test --filter FullyQualifiedName~CallSetupBenchmark</c>; <c>ONE2ONE_SETUP_CALLS</c> changes the count.</remarks>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class CallSetupBenchmark(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly int Calls = int.TryParse(Environment.GetEnvironmentVariable("ONE2ONE_SETUP_CALLS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 20;

    /// <summary>
    /// Installed on a page before its call: polls the peer connection every millisecond for its phases and stamps the
    /// first frame the remote video element presents (requestVideoFrameCallback).
    /// </summary>
    private const string Probe = """
        () => {
          const marks = {};
          window.setupMarks = marks;
          let pc = null;
          let asking = false;
          const poll = setInterval(() => {
            pc ??= window.one2one.peerConnection();
            if (!pc) return;
            marks.pc ??= Date.now();
            if (pc.localDescription) marks.offer ??= Date.now();
            if (pc.remoteDescription) marks.answer ??= Date.now();
            if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') marks.ice ??= Date.now();
            if (pc.connectionState === 'connected') marks.dtls ??= Date.now();
            if (marks.dtls && !asking && !marks.decoded) {
              asking = true;
              pc.getStats().then(stats => {
                for (const r of stats.values()) if (r.type === 'inbound-rtp' && r.kind === 'video' && r.framesDecoded > 0) marks.decoded ??= Date.now();
                asking = false;
              });
            }
            if (marks.decoded && marks.frame) clearInterval(poll);
          }, 1);
          document.getElementById('remote-video').requestVideoFrameCallback(() => { marks.frame = Date.now(); });
        }
        """;

    [Fact]
    public async Task Calls_set_up_and_the_time_from_accept_to_the_first_frame_on_both_pages_is_reported()
    {
        await using var scene = CallScene.Start(browser, output, "setup-benchmark");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        var samples = new List<SetupSample>();
        for (var i = 0; i < Calls; i++)
        {
            await alice.Page.EvaluateAsync(Probe);
            await bob.Page.EvaluateAsync(Probe);
            await alice.CallAsync(bob);
            await bob.ShouldBeRungByAsync(alice);
            var acceptedAt = await bob.Page.EvaluateAsync<long>("() => { const t = Date.now(); document.getElementById('accept').click(); return t; }");
            var caller = await MarksAsync(alice);
            var callee = await MarksAsync(bob);
            samples.Add(new SetupSample(acceptedAt, caller, callee));
            await alice.HangUpAsync();
            await alice.ShouldBeAsync("registered");
            await bob.ShouldBeAsync("registered");
            await scene.ShouldHoldNoMediaAsync();
        }

        samples.Should().HaveCount(Calls).And.OnlyContain(s => s.Caller.Frame > 0 && s.Callee.Frame > 0, "every call showed video on both pages");
        var lines = new List<string>
        {
            Row("accept → first frame, caller", samples.Select(s => s.Caller.Frame - s.AcceptedAt)),
            Row("accept → first frame, callee", samples.Select(s => s.Callee.Frame - s.AcceptedAt)),
            Row("accept → first frame, both", samples.Select(s => Math.Max(s.Caller.Frame, s.Callee.Frame) - s.AcceptedAt)),
            Row("accept → first decoded, both", samples.Select(s => s.Caller.Decoded > 0 && s.Callee.Decoded > 0 ? Math.Max(s.Caller.Decoded, s.Callee.Decoded) - s.AcceptedAt : (long?)null)),
            Row("  accept → callee's offer made", samples.Select(s => Phase(s.AcceptedAt, s.Callee.Offer))),
            Row("  callee's offer → its answer applied", samples.Select(s => Phase(s.Callee.Offer, s.Callee.Answer))),
            Row("  accept → caller's answer applied", samples.Select(s => Phase(s.AcceptedAt, s.Caller.Answer))),
            Row("  answer → ICE connected", Both(samples, m => Phase(m.Answer, m.Ice))),
            Row("  ICE → DTLS connected", Both(samples, m => Phase(m.Ice, m.Dtls))),
            Row("  DTLS → first frame decoded", Both(samples, m => Phase(m.Dtls, m.Decoded))),
            Row("  decoded → presented", Both(samples, m => Phase(m.Decoded, m.Frame))),
        };
        foreach (var line in lines)
        {
            output.WriteLine(line);
            TestArtifacts.RecordSetupTime(FormattableString.Invariant($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} setup-benchmark ({Calls} calls): {line}"));
        }
    }

    private static async Task<PageMarks> MarksAsync(SoftphonePage page)
    {
        await page.Page.WaitForFunctionAsync("() => window.setupMarks.frame !== undefined && window.setupMarks.decoded !== undefined", null, new() { Timeout = 30_000 });
        var json = await page.Page.EvaluateAsync<JsonElement>("() => window.setupMarks");
        long Mark(string name) => json.TryGetProperty(name, out var value) ? value.GetInt64() : 0;
        return new PageMarks(Mark("offer"), Mark("answer"), Mark("ice"), Mark("dtls"), Mark("decoded"), Mark("frame"));
    }

    /// <summary>From one stamp to a later one; null when the 1 ms poll missed either (a page's timers can lag under load).</summary>
    private static long? Phase(long from, long to) => from > 0 && to > 0 ? to - from : null;

    private static IEnumerable<long?> Both(List<SetupSample> samples, Func<PageMarks, long?> phase) =>
        samples.SelectMany(s => new[] { phase(s.Caller), phase(s.Callee) });

    private static string Row(string name, IEnumerable<long?> milliseconds) => Row(name, milliseconds.OfType<long>());

    private static string Row(string name, IEnumerable<long> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return $"{name,-36} no sample";
        }

        long At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return FormattableString.Invariant($"{name,-36} p50 {At(0.5),5} ms  p90 {At(0.9),5} ms  min {sorted[0],5} ms  max {sorted[^1],5} ms");
    }

    /// <summary>
    /// One page's stamps (Date.now() milliseconds, 0 when missed): its offer made, the answer applied, ICE connected, DTLS
    /// connected, the first video frame decoded (getStats) and presented (requestVideoFrameCallback).
    /// </summary>
    private sealed record PageMarks(long Offer, long Answer, long Ice, long Dtls, long Decoded, long Frame);

    private sealed record SetupSample(long AcceptedAt, PageMarks Caller, PageMarks Callee);
}
