using Microsoft.Extensions.Time.Testing;
using One2One.Kurento;
using One2One.Tests.Kurento.Support;

namespace One2One.Tests.Kurento;

/// <summary>
/// Releases whose outcome is unknown (connection lost after the release was written, or no reply in time) are sent again
/// once the session resumes, so no pipeline is left on the media server. On a fake clock: nothing waits for real time.
/// </summary>
public sealed class KurentoClientReleaseTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<KurentoClient> _logger = new();
    private ScriptedKurentoServer _server = null!;
    private KurentoClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedKurentoServer.StartAsync();
        _client = KurentoTestClient.Create(_server, _time, logger: _logger);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_release_cut_by_a_dropped_socket_is_sent_again_once_the_session_resumes()
    {
        var pipeline = await _client.CreateMediaPipelineAsync();
        await pipeline.CreateWebRtcEndpointAsync();
        string session = _client.SessionId!;
        _server.When(r => r.Method == "release", ScriptedReply.Hold, times: 1);
        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForHeldAsync(1);

        _server.DropConnections();

        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>()
            .WithMessage("*release*connection to the media server was lost*outcome is unknown*");
        var retry = await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "release");
        retry.Param("object").Should().Be(pipeline.Id);
        retry.SessionId.Should().Be(session);
        await _logger.WaitForEventAsync("ReleaseRetrySucceeded");
        _client.UnsettledReleaseCount.Should().Be(0);
        (await _client.GetPipelineIdsAsync()).Should().BeEmpty();
        _server.Requests.Where(r => r.Connection == 2).Select(r => r.Method).Should().StartWith(["connect", "release"]);
        _logger.WithEvent("RetryingRelease").Should().ContainSingle().Which.Message.Should().Contain(pipeline.Id).And.Contain(session);
    }

    [Fact]
    public async Task A_release_that_times_out_is_sent_again_after_a_later_resume_and_not_before()
    {
        var pipeline = await _client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await endpoint.SubscribeAsync<IceCandidateFound>(_ => { });
        await pipeline.SubscribeAsync<MediaErrorOccurred>(_ => { });
        _server.When(r => r.Method == "release", ScriptedReply.Ignore, times: 1);
        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForRequestAsync(r => r.Method == "release");

        _time.Advance(TimeSpan.FromSeconds(15));

        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>().WithMessage("*release*no reply*");
        _client.EventRouteCount.Should().Be(0);
        _client.UnsettledReleaseCount.Should().Be(1);
        (await _client.GetPipelineIdsAsync()).Should().Equal(pipeline.Id);   // the media server ignored the release
        _server.RequestsOf("release").Should().ContainSingle();              // and nothing is re-sent without a resume

        _server.DropConnections();

        var retry = await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "release");
        retry.Param("object").Should().Be(pipeline.Id);
        await _logger.WaitForEventAsync("ReleaseRetrySucceeded");
        _client.UnsettledReleaseCount.Should().Be(0);
        (await _client.GetPipelineIdsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_release_cut_by_a_lost_session_is_forgotten_and_not_sent_on_the_new_session()
    {
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.SessionLost += (_, _) => lost.TrySetResult();
        var pipeline = await _client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "release", ScriptedReply.Hold, times: 1);
        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForHeldAsync(1);

        _server.Restart();

        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>().WithMessage("*outcome is unknown*");
        await lost.Task.WaitAsync(KurentoTestClient.Soon);
        _client.UnsettledReleaseCount.Should().Be(0);
        (await _logger.WaitForEventAsync("UnsettledReleasesForgotten")).Message.Should().Contain("1 releases");
        await _client.CreateMediaPipelineAsync();   // a round trip on the new session, queued after anything the resume queued
        _server.RequestsOf("release").Should().ContainSingle();
        _logger.WithEvent("RetryingRelease").Should().BeEmpty();
    }

    [Fact]
    public async Task A_release_the_caller_stopped_waiting_for_still_runs_and_is_sent_again_when_cut()
    {
        var pipeline = await _client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await endpoint.SubscribeAsync<IceGatheringDone>(_ => { });
        _server.When(r => r.Method == "release", ScriptedReply.Hold, times: 1);
        using var cancellation = new CancellationTokenSource();
        var releasing = pipeline.ReleaseAsync(cancellation.Token);
        await _server.WaitForHeldAsync(1);

        await cancellation.CancelAsync();

        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<OperationCanceledException>();
        _client.EventRouteCount.Should().Be(0);
        _client.PendingRequestCount.Should().Be(1);   // the release itself still waits for its reply
        _server.DropConnections();
        var retry = await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "release");
        retry.Param("object").Should().Be(pipeline.Id);
        await _logger.WaitForEventAsync("ReleaseRetrySucceeded");
        (await _client.GetPipelineIdsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_release_sent_again_that_finds_the_object_gone_is_settled_and_not_sent_a_third_time()
    {
        var pipeline = await _client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "release" && r.Connection == 1, ScriptedReply.Hold);
        _server.When(r => r.Method == "release" && r.Connection == 2, ScriptedReply.Error(40101, "MEDIA_OBJECT_NOT_FOUND", "Object not found"));
        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForHeldAsync(1);
        _server.DropConnections();
        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>();

        (await _logger.WaitForEventAsync("ReleaseRetryFoundNothing")).Message.Should().Contain(pipeline.Id);

        _client.UnsettledReleaseCount.Should().Be(0);
        await _client.GetPipelineIdsAsync();   // a reply on connection 2: the next drop reconnects at once
        _server.DropConnections();
        await _server.WaitForRequestAsync(r => r.Connection == 3 && r.Method == "connect");
        await _client.GetPipelineIdsAsync();
        _server.RequestsOf("release").Select(r => r.Connection).Should().Equal(1, 2);
    }

    [Fact]
    public async Task A_release_sent_again_that_the_media_server_refuses_is_given_up()
    {
        var pipeline = await _client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "release" && r.Connection == 1, ScriptedReply.Hold);
        _server.When(r => r.Method == "release" && r.Connection == 2, ScriptedReply.Error(40003, "UNEXPECTED_ERROR", "Unexpected error"));
        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForHeldAsync(1);
        _server.DropConnections();
        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>();

        var refused = await _logger.WaitForEventAsync("ReleaseRetryRefused");

        refused.Exception.Should().BeOfType<KurentoException>().Which.Code.Should().Be(40003);
        _client.UnsettledReleaseCount.Should().Be(0);
    }

    [Fact]
    public async Task A_release_sent_again_and_cut_again_is_sent_at_the_next_resume()
    {
        var pipeline = await _client.CreateMediaPipelineAsync();
        _server.When(r => r.Method == "release", ScriptedReply.Hold, times: 2);
        var releasing = pipeline.ReleaseAsync();
        await _server.WaitForHeldAsync(1);
        _server.DropConnections();
        await releasing.Awaiting(t => t.WaitAsync(KurentoTestClient.Soon)).Should().ThrowAsync<KurentoException>();
        var held = await _server.WaitForHeldAsync(2);
        held[1].Request.Connection.Should().Be(2);
        await _client.GetPipelineIdsAsync();   // a reply on connection 2: the next drop reconnects at once

        _server.DropConnections();

        await _logger.WaitForEventAsync("ReleaseRetryUnsettled");
        var third = await _server.WaitForRequestAsync(r => r.Connection == 3 && r.Method == "release");
        third.Param("object").Should().Be(pipeline.Id);
        await _logger.WaitForEventAsync("ReleaseRetrySucceeded");
        _client.UnsettledReleaseCount.Should().Be(0);
        (await _client.GetPipelineIdsAsync()).Should().BeEmpty();
        _logger.WithEvent("RetryingRelease").Should().HaveCount(2);
    }
}
