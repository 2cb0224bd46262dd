using One2One.Server.Contracts;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// A media server that is full (40009 NOT_ENOUGH_RESOURCES) at each step of a call's set-up: the caller is refused
/// with server-busy, the callee is not disturbed unless the call already rang, and nothing made is left behind. The
/// media server is the scripted stand-in for a remote KMS, whose resource checks cannot be tripped on demand; the
/// embedded media server's own limit is exercised by <see cref="CallAdmissionTests"/>.
/// </summary>
public sealed class ServerBusyTests : ServerBusyScenarios<OneNode>;

/// <summary>
/// The full media server's scenarios; alice (the caller, whose node makes the call's media) and bob connect where
/// <typeparamref name="TLayout"/> puts them: one node (<see cref="ServerBusyTests"/>) or two (<c>ServerBusyAcrossNodesTests</c>).
/// </summary>
public abstract class ServerBusyScenarios<TLayout>
    where TLayout : INodeLayout
{
    private static readonly ScriptedReply NotEnoughResources = ScriptedReply.Error(40009, "NOT_ENOUGH_RESOURCES", "Not enough resources");

    [Fact]
    public async Task Full_at_pipeline_creation_refuses_the_caller_before_the_callee_rings()
    {
        await using var call = await ScriptedCall.StartAsync<TLayout>();
        call.Media.When(r => r.Method == "create" && r.Type == "MediaPipeline", NotEnoughResources, times: 1);

        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);

        await ShouldBeRefusedAsServerBusyAsync(call.Alice);
        call.Media.RequestsOf("create").Should().HaveCount(1, "nothing more is asked once the pipeline is refused");
        await BothAreFreeAsync(call);
    }

    [Fact]
    public async Task Full_at_the_second_endpoint_refuses_the_caller_and_releases_what_was_made()
    {
        await using var call = await ScriptedCall.StartAsync<TLayout>();
        var endpoints = 0;
        call.Media.When(r => r.Method == "create" && r.Type == "WebRtcEndpoint" && ++endpoints == 2, NotEnoughResources, times: 1);

        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);

        await ShouldBeRefusedAsServerBusyAsync(call.Alice);
        var endpointCreates = call.Media.RequestsOf("create").Where(r => r.Type == "WebRtcEndpoint").ToList();
        endpointCreates.Should().HaveCount(2);
        var pipeline = ScriptedCall.PipelineOf(endpointCreates[0]);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline, with the endpoint made in it, is released");
        (await call.PipelinesAsync()).Should().BeEmpty();
        await BothAreFreeAsync(call);
        call.Media.RequestsOf("release").Should().ContainSingle("the refused call's pipeline is released exactly once, and nothing else");
    }

    [Fact]
    public async Task Full_during_negotiation_ends_the_accepted_call_as_server_busy_for_both()
    {
        // A KMS checks its resources when it starts an endpoint's media, too.
        await using var call = await ScriptedCall.StartAsync<TLayout>();
        call.Media.When(r => r.IsInvoke("processOffer"), NotEnoughResources, times: 1);
        await call.RingAsync();

        await call.Bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);

        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.ServerBusy);
        await ShouldBeRefusedAsServerBusyAsync(call.Alice);
        var pipeline = await call.PipelineIdAsync();
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        await BothAreFreeAsync(call);
    }

    [Fact]
    public async Task Cancelling_while_the_media_is_reserved_tells_the_callee_nothing_and_releases_it()
    {
        await using var call = await ScriptedCall.StartAsync<TLayout>();
        var held = await call.PlaceHoldingAnEndpointAsync();
        var pipeline = ScriptedCall.PipelineOf(held[0].Request);

        await call.Alice.StopAsync();
        await call.Media.ReleaseAsync(held);

        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        (await call.PipelinesAsync()).Should().BeEmpty();
        call.Alice.Drain().Should().BeEmpty("the caller ended the call herself");
        await BothAreFreeAsync(call);
    }

    private static async Task ShouldBeRefusedAsServerBusyAsync(SignalingClient caller)
    {
        var refused = await caller.ExpectAsync<CallResponse>();
        refused.Response.Should().Be(Responses.Rejected);
        refused.Reason.Should().Be(Reasons.ServerBusy);
        refused.Message.Should().Contain("no room for another call").And.NotContain("resources", "the media server's words are for the log");
    }

    /// <summary>Both can call again at once, and Bob's next message is the new call's prompt: no stale prompt or end.</summary>
    private static async Task BothAreFreeAsync(ScriptedCall call)
    {
        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await call.Bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice");
    }
}
