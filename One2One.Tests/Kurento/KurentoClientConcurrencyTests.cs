using One2One.Tests.Kurento.Support;

namespace One2One.Tests.Kurento;

public sealed class KurentoClientConcurrencyTests : IAsyncLifetime
{
    private ScriptedKurentoServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedKurentoServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Two_hundred_parallel_requests_answered_out_of_order_each_get_their_own_reply()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.SdpAnswer = offer => "answer to " + offer;
        _server.When(r => r.IsInvoke("processOffer"), ScriptedReply.Hold);

        var offers = Enumerable.Range(0, 200).Select(i => $"offer {i} ✓").ToList();
        var answers = offers.Select(offer => Task.Run(() => endpoint.ProcessOfferAsync(offer))).ToList();
        var held = await _server.WaitForHeldAsync(200);
        await _server.ReleaseAsync(held.OrderBy(h => h.Request.Id % 7).ThenByDescending(h => h.Request.Id));

        var received = await Task.WhenAll(answers).WaitAsync(KurentoTestClient.Soon);

        received.Should().Equal(offers.Select(offer => "answer to " + offer));
        _server.MalformedMessages.Should().Be(0);
        var requests = _server.Requests.Where(r => r.IsInvoke("processOffer")).ToList();
        requests.Should().HaveCount(200);
        requests.Select(r => r.Id).Should().OnlyHaveUniqueItems();
        requests.Should().OnlyContain(r => r.SessionId == client.SessionId);
        client.PendingRequestCount.Should().Be(0);
    }

    [Fact]
    public async Task Concurrent_first_requests_share_one_connection_and_one_session()
    {
        await using var client = KurentoTestClient.Create(_server);

        var pipelines = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => client.CreateMediaPipelineAsync())));

        pipelines.Select(p => p.Id).Should().OnlyHaveUniqueItems();
        _server.ConnectionCount.Should().Be(1);
        _server.RequestsOf("connect").Should().ContainSingle();
        _server.RequestsOf("create").Should().HaveCount(20).And.OnlyContain(r => r.SessionId == client.SessionId);
    }
}
