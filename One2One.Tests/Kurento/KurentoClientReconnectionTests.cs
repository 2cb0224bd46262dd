using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using One2One.Kurento;
using One2One.Tests.Kurento.Support;

namespace One2One.Tests.Kurento;

public sealed class KurentoClientReconnectionTests : IAsyncLifetime
{
    private ScriptedKurentoServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedKurentoServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_request_cut_by_a_dropped_socket_is_sent_again_with_its_id_once_the_session_resumes_and_gets_its_reply()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        string session = client.SessionId!;
        _server.When(r => r.IsInvoke("processOffer"), ScriptedReply.Hold, times: 1);
        var offering = endpoint.ProcessOfferAsync("v=0");
        var cut = (await _server.WaitForHeldAsync(1))[0];

        _server.DropConnections();

        var answer = await offering.WaitAsync(KurentoTestClient.Soon);
        answer.Should().Be(ScriptedKurentoServer.DefaultAnswer);
        var resumed = _server.Requests.Where(r => r.Connection == 2).ToList();
        resumed.Select(r => r.Method).Should().Equal("connect", "invoke");
        resumed[0].SessionId.Should().Be(session);
        resumed[1].Should().Match<ReceivedRequest>(r => r.IsInvoke("processOffer") && r.SessionId == session && r.Id == cut.Request.Id,
            "the same id, which KMS's reply cache answers with the first reply if the first one arrived");
        await endpoint.GatherCandidatesAsync();
        client.SessionId.Should().Be(session);
    }

    [Fact]
    public async Task A_request_cut_when_the_media_server_lost_the_session_fails_with_an_unknown_outcome_and_is_not_sent_again()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.When(r => r.IsInvoke("processOffer"), ScriptedReply.Hold, times: 1);
        var offering = endpoint.ProcessOfferAsync("v=0");
        await _server.WaitForHeldAsync(1);

        _server.Restart();

        await offering.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>()
            .WithMessage("*invoke processOffer*connection to the media server was lost*outcome is unknown*");
        await client.CreateMediaPipelineAsync();
        _server.Requests.Where(r => r.Connection == 2).Should().NotContain(r => r.IsInvoke("processOffer"), "its objects went with the session");
    }

    [Fact]
    public async Task A_release_cut_by_a_dropped_socket_still_forgets_the_event_routes()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await endpoint.SubscribeAsync<IceCandidateFound>(_ => { });
        await pipeline.SubscribeAsync<MediaErrorOccurred>(_ => { });
        client.EventRouteCount.Should().Be(2);
        _server.When(r => r.Method == "release", ScriptedReply.Hold, times: 1);
        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForHeldAsync(1);

        _server.DropConnections();

        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>()
            .WithMessage("*release*connection to the media server was lost*");
        client.EventRouteCount.Should().Be(0);
    }

    [Fact]
    public async Task Requests_still_queued_when_the_socket_drops_are_sent_on_the_resumed_connection()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        string session = client.SessionId!;
        _server.PauseReading();
        // Far more than the socket buffers hold: the client's send loop stays blocked in the middle of writing it.
        var offering = endpoint.ProcessOfferAsync(new string('a', 16 * 1024 * 1024));
        await _server.WaitForPartialMessageAsync();
        var gathering = endpoint.GatherCandidatesAsync();
        var creating = client.CreateMediaPipelineAsync();
        client.PendingRequestCount.Should().Be(3);

        _server.DropConnections();

        await offering.WaitAsync(KurentoTestClient.Soon);
        await gathering.WaitAsync(KurentoTestClient.Soon);
        var created = await creating.WaitAsync(KurentoTestClient.Soon);
        created.Id.Should().NotBe(pipeline.Id);
        _server.Requests.Where(r => r.Connection == 1).Select(r => r.Method).Should().Equal("connect", "describe", "create", "create");
        var resumed = _server.Requests.Where(r => r.Connection == 2).ToList();
        resumed[0].Should().Match<ReceivedRequest>(r => r.Method == "connect" && r.SessionId == session);
        resumed.Skip(1).Should().OnlyContain(r => r.SessionId == session)
            .And.ContainSingle(r => r.IsInvoke("gatherCandidates") && r.Param("object") == endpoint.Id)
            .And.ContainSingle(r => r.Method == "create" && r.Type == "MediaPipeline")
            .And.ContainSingle(r => r.IsInvoke("processOffer"), "the offer being written when the socket dropped goes again")
            .And.HaveCount(3);
        _server.Requests.Select(r => r.Id).Should().OnlyHaveUniqueItems("the partly written offer never reached the server whole");
    }

    [Fact]
    public async Task Request_ids_stay_unique_across_connections_because_KMS_caches_replies_by_session_and_id()
    {
        await using var client = KurentoTestClient.Create(_server);
        await client.CreateMediaPipelineAsync();
        _server.DropConnections();
        await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "connect");

        await client.CreateMediaPipelineAsync();

        _server.Requests.Select(r => r.Id).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_session_that_never_held_an_object_is_resumed_on_a_media_server_that_keeps_only_sessions_in_use()
    {
        // KMS: a bare connect and pings do not keep a session; the client's first request in it (describe) does.
        _server.KeepsSessionsOnlyOnceUsed = true;
        await using var client = KurentoTestClient.Create(_server);
        var lost = 0;
        client.SessionLost += (_, _) => Interlocked.Increment(ref lost);
        await client.EnsureConnectedAsync(CancellationToken.None);
        var session = client.SessionId;

        _server.DropConnections();
        await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "connect");
        await client.EnsureConnectedAsync(CancellationToken.None);

        client.SessionId.Should().Be(session, "the media server kept the session, so the client resumed it");
        Volatile.Read(ref lost).Should().Be(0, "nothing was lost: no media server restarted");
    }

    [Fact]
    public async Task A_restarted_media_server_raises_SessionLost_and_later_requests_use_a_new_session()
    {
        await using var client = KurentoTestClient.Create(_server);
        var lost = new TaskCompletionSource<KurentoSessionLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.SessionLost += (_, args) => lost.TrySetResult(args);
        var pipeline = await client.CreateMediaPipelineAsync();
        string oldSession = client.SessionId!;

        _server.Restart();

        var args = await lost.Task.WaitAsync(KurentoTestClient.Soon);
        args.OldSessionId.Should().Be(oldSession);
        args.Reason.Should().NotBeNullOrWhiteSpace();
        var renewed = await client.CreateMediaPipelineAsync();
        string newSession = client.SessionId!;
        newSession.Should().NotBe(oldSession);
        var connects = _server.RequestsOf("connect").Where(r => r.Connection == 2).ToList();
        connects.Should().HaveCount(2);
        connects[0].SessionId.Should().Be(oldSession);       // refused with 40007
        connects[1].Params.Should().BeNull();                // a new session
        _server.Requests.Last().Should().Match<ReceivedRequest>(r => r.Method == "create" && r.SessionId == newSession);
        renewed.Id.Should().NotBe(pipeline.Id);
        var releasingTheOldPipeline = () => pipeline.ReleaseAsync();
        (await releasingTheOldPipeline.Should().ThrowAsync<KurentoException>()).Which.Code.Should().Be(KurentoErrorCodes.MediaObjectNotFound);
    }

    [Fact]
    public async Task A_resume_answered_with_another_session_is_a_lost_session()
    {
        // A media server that starts a new session where it no longer knows ours, instead of answering 40007.
        await using var client = KurentoTestClient.Create(_server);
        var lost = new TaskCompletionSource<KurentoSessionLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.SessionLost += (_, args) => lost.TrySetResult(args);
        await client.CreateMediaPipelineAsync();
        string oldSession = client.SessionId!;
        _server.When(r => r.Method == "connect" && r.Connection == 2,
            ScriptedReply.Result(new JsonObject { ["sessionId"] = "a-new-session", ["serverId"] = "scripted-kms" }), times: 1);

        _server.DropConnections();

        (await lost.Task.WaitAsync(KurentoTestClient.Soon)).OldSessionId.Should().Be(oldSession);
        await client.CreateMediaPipelineAsync();
        client.SessionId.Should().Be("a-new-session");
        _server.Requests.Last().SessionId.Should().Be("a-new-session");
        _server.RequestsOf("connect").Where(r => r.Connection == 2).Should().ContainSingle("the new session is taken as it is");
    }

    [Fact]
    public async Task A_throwing_SessionLost_handler_is_logged_and_does_not_stop_the_others_or_the_reconnection()
    {
        var logger = new RecordingLogger<KurentoClient>();
        await using var client = KurentoTestClient.Create(_server, logger: logger);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.SessionLost += (_, _) => throw new InvalidOperationException("call server bug");
        client.SessionLost += (_, _) => lost.TrySetResult();
        await client.CreateMediaPipelineAsync();

        _server.Restart();

        await lost.Task.WaitAsync(KurentoTestClient.Soon);
        await client.CreateMediaPipelineAsync();
        logger.WithEvent("SessionLostHandlerFailed").Should().ContainSingle();
    }

    [Fact]
    public async Task Subscriptions_of_a_lost_session_are_forgotten()
    {
        await using var client = KurentoTestClient.Create(_server);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.SessionLost += (_, _) => lost.TrySetResult();
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await using var subscription = await endpoint.SubscribeAsync<IceGatheringDone>(_ => { });
        client.EventRouteCount.Should().Be(1);

        _server.Restart();
        await lost.Task.WaitAsync(KurentoTestClient.Soon);

        client.EventRouteCount.Should().Be(0);
        await subscription.DisposeAsync();
        await client.CreateMediaPipelineAsync();
        _server.RequestsOf("unsubscribe").Should().BeEmpty();
    }

    [Fact]
    public async Task A_Close_frame_from_the_server_ends_the_connection_once_and_the_client_reconnects_once()
    {
        await using var client = KurentoTestClient.Create(_server);
        await client.CreateMediaPipelineAsync();

        await _server.CloseConnectionsAsync();
        await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "connect");
        await client.CreateMediaPipelineAsync();
        await client.GetPipelineIdsAsync();

        _server.ConnectionCount.Should().Be(2);
        _server.Requests.Where(r => r.Connection == 2).Select(r => r.Method).Should().Equal("connect", "create", "describe", "invoke");
    }

    [Fact]
    public async Task While_the_media_server_is_down_the_client_retries_with_backoff_and_requests_wait_for_it()
    {
        await using var client = KurentoTestClient.Create(_server, configure: o =>
        {
            o.ReconnectDelay = TimeSpan.FromMilliseconds(20);
            o.MaxReconnectDelay = TimeSpan.FromMilliseconds(100);
        });
        await client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "connect", ScriptedReply.Drop, times: 3);

        _server.DropConnections();
        await _server.WaitForConnectionsAsync(2);   // the client noticed the drop and is reconnecting
        var pipeline = await client.CreateMediaPipelineAsync().WaitAsync(KurentoTestClient.Soon);

        pipeline.Id.Should().NotBeNullOrEmpty();
        _server.ConnectionCount.Should().Be(5);
        _server.RequestsOf("connect").Skip(1).Should().OnlyContain(r => r.SessionId == client.SessionId);
    }

    [Fact]
    public async Task An_unreachable_media_server_fails_requests_with_the_connect_error_after_the_timeout()
    {
        var uri = _server.Uri;
        await _server.DisposeAsync();
        _server = await ScriptedKurentoServer.StartAsync();
        var time = new FakeTimeProvider();
        var logger = new RecordingLogger<KurentoClient>();
        await using var client = KurentoTestClient.Create(_server, time, o => o.Uri = uri.ToString(), logger);   // nothing listens there any more

        var creating = client.CreateMediaPipelineAsync();
        await logger.WaitForEventAsync("ConnectFailed");
        time.Advance(TimeSpan.FromSeconds(15));

        var thrown = await creating.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>();
        thrown.Which.Message.Should().Contain("no connection to the media server");
        thrown.Which.InnerException.Should().BeAssignableTo<WebSocketException>();
    }

    [Fact]
    public async Task Disposing_closes_the_socket_fails_pending_requests_and_refuses_new_ones()
    {
        var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "release", ScriptedReply.Hold);
        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForHeldAsync(1);

        await client.DisposeAsync();

        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>().WithMessage("*disposed*");
        await _server.WaitForNoOpenConnectionAsync();
        _server.ClientCloseStatus(1).Should().Be(WebSocketCloseStatus.NormalClosure);
        var creating = () => client.CreateMediaPipelineAsync();
        await creating.Should().ThrowAsync<ObjectDisposedException>();
        _server.ConnectionCount.Should().Be(1);
    }
}
