using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Hosting;
using One2One.Server.Contracts;
using One2One.Server.Hosting;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// Admission through the whole stack: the real server and its embedded media server limited to four endpoints
/// (MediaServer:MaxEndpoints=4, two calls), with simulated browsers that really connect (ICE, DTLS-SRTP) and relay.
/// </summary>
public sealed class CallAdmissionTests : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _logs = new(LogLevel.Debug);
    private readonly One2OneServerFactory _server;
    private readonly List<IAsyncDisposable> _disposables = [];

    private MediaServerDiagnostics Diagnostics => _server.Services.GetRequiredService<EmbeddedMediaServerHost>().Server.Diagnostics;

    public CallAdmissionTests() =>
        // Debug: a candidate the media server refused is the page's fault, logged at Debug.
        _server = new One2OneServerFactory { Logs = _logs }.WithSetting("MediaServer:MaxEndpoints", "4");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Past_the_limit_a_call_is_refused_as_server_busy_the_live_calls_go_on_and_a_freed_slot_admits_a_new_call()
    {
        var first = await ConnectedCallAsync(await PartyAsync("alice"), await PartyAsync("bob"));
        var second = await ConnectedCallAsync(await PartyAsync("carol"), await PartyAsync("dave"));
        var erin = await PartyAsync("erin");
        var frank = await PartyAsync("frank");

        await erin.Signaling.CallAsync("frank", erin.Browser.OfferSdp);

        var refused = await erin.Signaling.ExpectAsync<CallResponse>();
        refused.Response.Should().Be(Responses.Rejected);
        refused.Reason.Should().Be(Reasons.ServerBusy);
        refused.Message.Should().Contain("no room for another call");
        await Eventually.TrueAsync(() => Diagnostics.GetCounts() is { Pipelines: 2, Endpoints: 4 }, "the media server holds the live calls' objects and none of the refused call's");
        Diagnostics.AdmittedEndpoints.Should().Be(4);

        // The live calls relay both ways, and still take candidates: a good one, then a bad one whose rejection
        // (logged once the media server refused it) proves the good one before it went through.
        await first.ShouldRelayBothWaysAsync();
        await second.ShouldRelayBothWaysAsync();
        await first.Caller.Signaling.SendCandidateAsync(new IceCandidateInit(first.Caller.Browser.HostCandidate, "0", 0));
        await first.Caller.Signaling.SendCandidateAsync(new IceCandidateInit("candidate:garbage", "0", 0));
        await Eventually.TrueAsync(() => CandidatesRejected().Count == 1, "the media server answered both candidates");
        CandidatesRejected().Single().Message.Should().Contain("candidate:garbage");

        await first.Callee.Signaling.StopAsync();
        (await first.Caller.Signaling.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => Diagnostics.GetCounts() is { Pipelines: 1, Endpoints: 2 }, "the hung-up call's media is released");

        // Frank was never told of the refused call: his first message is this call's prompt. Erin is free to call.
        var third = await ConnectedCallAsync(erin, frank);
        await third.ShouldRelayBothWaysAsync();
        await second.ShouldRelayBothWaysAsync();
        Diagnostics.GetCounts().Should().Match<MediaServerCounts>(c => c.Pipelines == 2 && c.Endpoints == 4);
        Diagnostics.AdmittedEndpoints.Should().Be(4);
    }

    private IReadOnlyList<LogEntry> CandidatesRejected() => [.. _logs.Entries.Where(e => e.EventName == "CandidateRejected")];

    private async Task<Party> PartyAsync(string name)
    {
        var signaling = await SignalingClient.RegisteredAsync(_server.HubUri, name);
        var browser = new SimulatedBrowser();
        _disposables.Add(signaling);
        _disposables.Add(browser);
        return new Party(name, signaling, browser);
    }

    /// <summary>Caller calls, callee accepts; each simulated browser takes its answer and the media server's candidate and connects.</summary>
    private static async Task<LiveCall> ConnectedCallAsync(Party caller, Party callee)
    {
        await caller.Signaling.CallAsync(callee.Name, caller.Browser.OfferSdp);
        (await callee.Signaling.ExpectAsync<IncomingCall>()).From.Should().Be(caller.Name);
        await callee.Signaling.AcceptAsync(caller.Name, callee.Browser.OfferSdp);
        var calleeAnswer = (await callee.Signaling.ExpectAsync<StartCommunication>()).SdpAnswer;
        var callerResponse = await caller.Signaling.ExpectAsync<CallResponse>();
        callerResponse.Response.Should().Be(Responses.Accepted);

        await ConnectAsync(caller, callerResponse.SdpAnswer!);
        await ConnectAsync(callee, calleeAnswer);
        return new LiveCall(caller, callee);
    }

    private static async Task ConnectAsync(Party party, string answer)
    {
        var (candidate, _) = await party.Signaling.WaitForAsync<IceCandidate>();
        party.Browser.AcceptAnswer(answer, EndPointOf(candidate.Candidate.Candidate));
        await party.Browser.CompleteIceAsync();
        await party.Browser.CompleteDtlsAsync();
    }

    /// <summary>The address of a host candidate line: "candidate:foundation component transport priority address port typ host ...".</summary>
    private static IPEndPoint EndPointOf(string candidate)
    {
        var fields = candidate.Split(' ');
        return new IPEndPoint(IPAddress.Parse(fields[4]), int.Parse(fields[5], System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed record Party(string Name, SignalingClient Signaling, SimulatedBrowser Browser);

    private sealed class LiveCall(Party caller, Party callee)
    {
        private ushort _sequence;

        public Party Caller { get; } = caller;

        public Party Callee { get; } = callee;

        /// <summary>One packet each way arrives: both endpoints are alive, connected and relaying.</summary>
        public async Task ShouldRelayBothWaysAsync()
        {
            foreach (var (from, to) in new[] { (Caller, Callee), (Callee, Caller) })
            {
                var sequence = ++_sequence;
                var payload = new byte[] { 0xA5, (byte)sequence, 0x5A };
                from.Browser.SendRtp(KurentoMediaType.Audio, sequence, sequence * 960u, marker: false, payload);
                var received = await to.Browser.NextRtpAsync($"for {from.Name}'s audio packet {sequence} to {to.Name}");
                received.SequenceNumber.Should().Be(sequence);
                received.Packet[^payload.Length..].Should().Equal(payload);
            }
        }
    }
}
