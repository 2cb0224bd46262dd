using System.Text.Json.Nodes;
using One2One.MediaServer.Hosting;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

public sealed class KurentoConcurrencyTests
{
    private const string Offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    [Fact]
    public async Task Many_clients_run_whole_calls_at_once_and_leave_nothing_behind()
    {
        await using var server = await KurentoTestServer.StartAsync();
        const int clients = 24;

        var calls = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            await using var client = await server.ConnectAsync();
            var pipeline = await client.CreatePipelineAsync();
            var a = await client.CreateEndpointAsync(pipeline);
            var b = await client.CreateEndpointAsync(pipeline);
            await client.SubscribeAsync(a, "IceCandidateFound");
            await client.InvokeValueAsync(a, "connect", new JsonObject { ["sink"] = b });
            await client.InvokeValueAsync(b, "connect", new JsonObject { ["sink"] = a });
            (await client.InvokeValueAsync(a, "processOffer", new JsonObject { ["offer"] = Offer }))!.GetValue<string>().Should().Be(StandInWebRtcSession.Answer);
            await client.InvokeValueAsync(a, "gatherCandidates");
            var candidate = await client.NextEventAsync();
            candidate["params"]!["value"]!["object"]!.GetValue<string>().Should().Be(a, "events reach the session that subscribed, and only it");
            await client.ResultAsync("release", new JsonObject { ["object"] = pipeline });
            return client.SessionId;
        })).ToArray();
        var sessions = await Task.WhenAll(calls);

        sessions.Should().OnlyHaveUniqueItems();
        server.Media.Created.Should().HaveCount(clients * 2).And.AllSatisfy(s => s.DisposeCount.Should().Be(1));
        var counts = server.Diagnostics.GetCounts();
        counts.Should().BeEquivalentTo(new { Pipelines = 0, Endpoints = 0, OpenSockets = 0 });
    }
}
