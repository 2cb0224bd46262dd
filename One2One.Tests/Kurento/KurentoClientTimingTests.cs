using Microsoft.Extensions.Time.Testing;
using One2One.Kurento;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Kurento;

/// <summary>Timeouts, cancellation and keep-alive, on a fake clock: nothing here waits for real time to pass.</summary>
public sealed class KurentoClientTimingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private ScriptedKurentoServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedKurentoServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_request_without_reply_times_out_on_the_clock_and_leaves_the_pending_table()
    {
        await using var client = KurentoTestClient.Create(_server, _time);
        var pipeline = await client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "create", ScriptedReply.Ignore);

        var creating = pipeline.CreateWebRtcEndpointAsync();
        await _server.WaitForRequestAsync(r => r.Method == "create" && r.Type == "WebRtcEndpoint");
        client.PendingRequestCount.Should().Be(1);
        _time.Advance(TimeSpan.FromSeconds(14));
        creating.IsCompleted.Should().BeFalse();
        _time.Advance(TimeSpan.FromSeconds(1));

        var thrown = await creating.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>();
        thrown.Which.Message.Should().Contain("create WebRtcEndpoint").And.Contain("no reply");
        thrown.Which.InnerException.Should().BeOfType<TimeoutException>();
        client.PendingRequestCount.Should().Be(0);
    }

    [Fact]
    public async Task A_pipeline_whose_create_is_answered_after_the_timeout_is_released()
    {
        // A media server under load answers late: the pipeline exists, and nobody holds its id.
        await using var client = KurentoTestClient.Create(_server, _time);
        var kept = await client.CreateMediaPipelineAsync();
        var held = await TimedOutWhileHeldAsync(r => r.Method == "create" && r.Type == "MediaPipeline", () => client.CreateMediaPipelineAsync(), "*create MediaPipeline*no reply*");

        await _server.ReleaseAsync(held);

        var release = await _server.WaitForRequestAsync(r => r.Method == "release");
        release.Param("object").Should().NotBe(kept.Id, "only the pipeline nobody holds");
        await Eventually.TrueAsync(async () => (await client.GetPipelineIdsAsync()).SequenceEqual([kept.Id]), "the late pipeline is gone, the other kept");
    }

    [Fact]
    public async Task A_pipeline_whose_reply_is_being_taken_as_its_create_times_out_is_released()
    {
        // The reply arrived, and the timeout fired between its removal from the pending requests and the request's
        // completion: the requester heard "no reply", and the reply was thrown away with the pipeline it named.
        await using var client = KurentoTestClient.Create(_server, _time);
        await client.GetPipelineIdsAsync();
        client.ReplyTaken = request =>
        {
            if (request.Description == "create MediaPipeline")
            {
                client.ReplyTaken = null;
                _time.Advance(TimeSpan.FromSeconds(15));
                SpinWait.SpinUntil(() => request.IsCompleted, TimeSpan.FromSeconds(5)).Should().BeTrue("the requester gave the request up");
            }
        };

        var creating = () => client.CreateMediaPipelineAsync();

        await creating.Should().ThrowAsync<KurentoException>().WithMessage("*create MediaPipeline*no reply*");
        (await _server.WaitForRequestAsync(r => r.Method == "release")).Param("object").Should().NotBeNullOrEmpty();
        await Eventually.TrueAsync(async () => (await client.GetPipelineIdsAsync()).Count == 0, "no pipeline nobody holds");
    }

    [Fact]
    public async Task A_pipeline_whose_ref_is_answered_after_the_timeout_is_released()
    {
        // A dead app node's pipeline, taken over: our hold on it came too late for the call, which has ended without it.
        await using var other = KurentoTestClient.Create(_server, _time);
        var orphan = await other.CreateMediaPipelineAsync();
        await using var client = KurentoTestClient.Create(_server, _time);
        var held = await TimedOutWhileHeldAsync(r => r.Method == "ref", () => client.HoldMediaPipelineAsync(orphan.Id), "*ref*no reply*");

        await _server.ReleaseAsync(held);

        var release = await _server.WaitForRequestAsync(r => r.Method == "release");
        release.Param("object").Should().Be(orphan.Id);
        release.SessionId.Should().Be(client.SessionId, "released by the session that held it");
    }

    [Fact]
    public async Task A_late_answer_to_a_request_that_creates_nothing_nobody_holds_is_dropped()
    {
        await using var client = KurentoTestClient.Create(_server, _time);
        var pipeline = await client.CreateMediaPipelineAsync();
        var held = await TimedOutWhileHeldAsync(r => r.Method == "create" && r.Type == "WebRtcEndpoint", () => pipeline.CreateWebRtcEndpointAsync(), "*no reply*");

        await _server.ReleaseAsync(held);
        await pipeline.ReleaseAsync();

        _server.RequestsOf("release").Select(r => r.Param("object")).Should().Equal([pipeline.Id], "an endpoint goes with its pipeline, released with the call");
    }

    [Fact]
    public async Task The_request_timeout_is_configurable()
    {
        await using var client = KurentoTestClient.Create(_server, _time, o => o.RequestTimeout = TimeSpan.FromSeconds(2));
        var pipeline = await client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "release", ScriptedReply.Ignore);

        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForRequestAsync(r => r.Method == "release");
        _time.Advance(TimeSpan.FromSeconds(2));

        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>().WithMessage("*release*no reply*");
    }

    [Fact]
    public async Task A_release_that_times_out_still_forgets_the_event_routes_of_the_pipeline_and_its_elements()
    {
        await using var client = KurentoTestClient.Create(_server, _time);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await endpoint.SubscribeAsync<IceCandidateFound>(_ => { });
        await endpoint.SubscribeAsync<IceGatheringDone>(_ => { });
        await pipeline.SubscribeAsync<MediaErrorOccurred>(_ => { });
        client.EventRouteCount.Should().Be(3);
        _server.When(r => r.Method == "release", ScriptedReply.Ignore, times: 1);

        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForRequestAsync(r => r.Method == "release");
        _time.Advance(TimeSpan.FromSeconds(15));

        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>().WithMessage("*release*no reply*");
        client.EventRouteCount.Should().Be(0);
    }

    [Fact]
    public async Task A_late_reply_after_a_timeout_is_dropped_and_the_client_goes_on()
    {
        await using var client = KurentoTestClient.Create(_server, _time);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.When(r => r.IsInvoke("processOffer"), ScriptedReply.Hold, times: 1);

        var offering = endpoint.ProcessOfferAsync("v=0");
        var held = await _server.WaitForHeldAsync(1);
        _time.Advance(TimeSpan.FromSeconds(15));
        await offering.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>();
        await _server.ReleaseAsync(held);

        string answer = await endpoint.ProcessOfferAsync("v=0").WaitAsync(KurentoTestClient.Soon);

        answer.Should().Be(ScriptedKurentoServer.DefaultAnswer);
    }

    [Fact]
    public async Task Cancelling_a_request_removes_its_pending_entry()
    {
        await using var client = KurentoTestClient.Create(_server, _time);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.When(r => r.IsInvoke("gatherCandidates"), ScriptedReply.Hold, times: 1);
        using var cancellation = new CancellationTokenSource();

        var gathering = endpoint.GatherCandidatesAsync(cancellation.Token);
        var held = await _server.WaitForHeldAsync(1);
        client.PendingRequestCount.Should().Be(1);
        await cancellation.CancelAsync();

        await gathering.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<OperationCanceledException>();
        client.PendingRequestCount.Should().Be(0);
        await _server.ReleaseAsync(held);
        await endpoint.GatherCandidatesAsync().WaitAsync(KurentoTestClient.Soon);
    }

    [Fact]
    public async Task Keep_alive_pings_follow_the_clock_and_the_first_carries_the_interval()
    {
        await using var client = KurentoTestClient.Create(_server, _time);
        await client.CreateMediaPipelineAsync();

        _time.Advance(TimeSpan.FromSeconds(29));
        await client.GetPipelineIdsAsync();   // a round trip queued after any ping the clock could have caused
        _server.RequestsOf("ping").Should().BeEmpty();

        _time.Advance(TimeSpan.FromSeconds(1));
        var first = await _server.WaitForRequestAsync(r => r.Method == "ping");
        await client.GetPipelineIdsAsync();   // the pong is in before the clock passes the ping's timeout
        _time.Advance(TimeSpan.FromSeconds(30));
        var pings = await _server.WaitForRequestsAsync(r => r.Method == "ping", count: 2);

        first.Params!["interval"]!.GetValue<long>().Should().Be(30_000);
        first.SessionId.Should().Be(client.SessionId);
        pings[1].Params!.ContainsKey("interval").Should().BeFalse();
        pings[1].SessionId.Should().Be(client.SessionId);
        _server.ConnectionCount.Should().Be(1);
    }

    [Fact]
    public async Task The_keep_alive_interval_is_configurable()
    {
        await using var client = KurentoTestClient.Create(_server, _time, o => o.KeepAliveInterval = TimeSpan.FromSeconds(5));
        await client.CreateMediaPipelineAsync();

        _time.Advance(TimeSpan.FromSeconds(5));
        var ping = await _server.WaitForRequestAsync(r => r.Method == "ping");

        ping.Params!["interval"]!.GetValue<long>().Should().Be(5_000);
    }

    [Fact]
    public async Task A_ping_that_times_out_makes_the_client_reconnect_and_resume_its_session()
    {
        await using var client = KurentoTestClient.Create(_server, _time);
        var pipeline = await client.CreateMediaPipelineAsync();
        string session = client.SessionId!;
        _server.When(r => r.Method == "ping", ScriptedReply.Ignore);

        _time.Advance(TimeSpan.FromSeconds(30));
        await _server.WaitForRequestAsync(r => r.Method == "ping");
        _time.Advance(TimeSpan.FromSeconds(15));

        var resume = await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "connect");
        resume.SessionId.Should().Be(session);
        var endpoint = await pipeline.CreateWebRtcEndpointAsync().WaitAsync(KurentoTestClient.Soon);
        _server.Requests.Last(r => r.Method == "create").Should().Match<ReceivedRequest>(r => r.Connection == 2 && r.SessionId == session);
        endpoint.Id.Should().StartWith(pipeline.Id);
    }

    [Fact]
    public async Task A_request_cut_too_late_for_the_media_servers_reply_cache_fails_instead_of_running_twice()
    {
        // KMS keeps a session's replies for 20 s: a resend that could arrive after that would run the request again, so none
        // goes later than 15 s after the request.
        await using var client = KurentoTestClient.Create(_server, _time, o => o.RequestTimeout = TimeSpan.FromSeconds(60));
        var pipeline = await client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "create" && r.Type == "WebRtcEndpoint", ScriptedReply.Hold, times: 1);
        var creating = pipeline.CreateWebRtcEndpointAsync();
        await _server.WaitForHeldAsync(1);
        _time.Advance(TimeSpan.FromSeconds(15));

        _server.DropConnections();

        await creating.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>()
            .WithMessage("*create WebRtcEndpoint*connection to the media server was lost*outcome is unknown*");
        await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "connect");
        await pipeline.CreateWebRtcEndpointAsync();
        _server.Requests.Where(r => r.Connection == 2 && r.Method == "create").Should().ContainSingle("only the new one");
    }

    /// <summary>
    /// Sends <paramref name="request"/> while the server holds the one request <paramref name="match"/> picks, and lets the
    /// client's timeout run out: the request fails with <paramref name="message"/>, its reply still held for the test to send.
    /// </summary>
    private async Task<IReadOnlyList<HeldRequest>> TimedOutWhileHeldAsync(Func<ReceivedRequest, bool> match, Func<Task> request, string message)
    {
        _server.When(match, ScriptedReply.Hold, times: 1);
        var sending = request();
        var held = await _server.WaitForHeldAsync(1);
        _time.Advance(TimeSpan.FromSeconds(15));
        await sending.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>().WithMessage(message);
        return held;
    }
}
