using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Elements;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>
/// MediaServer:MaxEndpoints over the real protocol: a server-wide count of WebRtcEndpoints, refused past the limit
/// with 40009 NOT_ENOUGH_RESOURCES, exact under concurrency, and given back on every path an endpoint goes away by.
/// </summary>
public sealed class KurentoAdmissionTests
{
    [Fact]
    public async Task Endpoints_past_the_server_wide_limit_are_40009_with_a_message_and_releasing_one_frees_a_slot()
    {
        await using var server = await StartAsync(maxEndpoints: 3);
        await using var alice = await server.ConnectAsync();
        await using var bob = await server.ConnectAsync();
        var alicePipeline = await alice.CreatePipelineAsync();
        var aliceEndpoint = await alice.CreateEndpointAsync(alicePipeline);
        await alice.CreateEndpointAsync(alicePipeline);
        var bobPipeline = await bob.CreatePipelineAsync();
        await bob.CreateEndpointAsync(bobPipeline);

        var refused = await bob.TryCreateEndpointAsync(bobPipeline);
        await alice.ResultAsync("release", new JsonObject { ["object"] = aliceEndpoint });
        var admitted = await bob.TryCreateEndpointAsync(bobPipeline);

        ShouldBeNotEnoughResources(refused);
        admitted["error"].Should().BeNull("releasing an endpoint frees its slot, whichever session it was in");
        server.Media.Created.Should().HaveCount(4, "no media is started for a refused endpoint");
        ShouldHoldExactly(server, endpoints: 3);
    }

    [Fact]
    public async Task Releasing_a_pipeline_frees_the_slots_of_its_endpoints()
    {
        await using var server = await StartAsync(maxEndpoints: 2);
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        await client.CreateEndpointAsync(pipeline);
        await client.CreateEndpointAsync(pipeline);
        ShouldBeNotEnoughResources(await client.TryCreateEndpointAsync(pipeline));

        await client.ResultAsync("release", new JsonObject { ["object"] = pipeline });
        var next = await client.CreatePipelineAsync();
        await client.CreateEndpointAsync(next);
        await client.CreateEndpointAsync(next);

        ShouldHoldExactly(server, endpoints: 2);
    }

    [Fact]
    public async Task A_closed_session_frees_its_slots()
    {
        await using var server = await StartAsync(maxEndpoints: 2);
        await using var leaving = await server.ConnectAsync();
        await using var staying = await server.ConnectAsync();
        await FillAsync(leaving, 2);
        var pipeline = await staying.CreatePipelineAsync();
        ShouldBeNotEnoughResources(await staying.TryCreateEndpointAsync(pipeline));

        await leaving.ResultAsync("closeSession");

        await staying.CreateEndpointAsync(pipeline);
        await staying.CreateEndpointAsync(pipeline);
        ShouldHoldExactly(server, endpoints: 2);
    }

    [Fact]
    public async Task A_collected_session_frees_its_slots()
    {
        await using var server = await StartAsync(maxEndpoints: 2, fakeClock: true);
        var leaving = await server.ConnectAsync();
        await using var staying = await server.ConnectAsync();
        await FillAsync(leaving, 2);
        var pipeline = await staying.CreatePipelineAsync();
        await leaving.DisposeAsync();
        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 1, "the leaving socket closed");
        ShouldBeNotEnoughResources(await staying.TryCreateEndpointAsync(pipeline));

        server.Clock!.Advance(TimeSpan.FromSeconds(240));
        await server.Diagnostics.WhenReleasesDoneAsync();

        await staying.CreateEndpointAsync(pipeline);
        await staying.CreateEndpointAsync(pipeline);
        ShouldHoldExactly(server, endpoints: 2);
    }

    [Fact]
    public async Task An_endpoint_whose_media_fails_to_start_gives_its_slot_back()
    {
        await using var server = await StartAsync(maxEndpoints: 1);
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        server.Media.CreateFailure = new InvalidOperationException("no port left");

        var failed = await client.TryCreateEndpointAsync(pipeline);
        server.Media.CreateFailure = null;
        var admitted = await client.TryCreateEndpointAsync(pipeline);

        failed["error"].Should().NotBeNull();
        failed["error"]!["code"]!.GetValue<int>().Should().NotBe(40009);
        admitted["error"].Should().BeNull("the failed create gave its slot back");
        ShouldHoldExactly(server, endpoints: 1);
    }

    [Fact]
    public async Task Of_100_concurrent_creates_against_a_limit_of_50_exactly_50_are_admitted()
    {
        await using var server = await StartAsync(maxEndpoints: 50);
        await using var owner = await server.ConnectAsync();
        var pipelines = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            pipelines.Add(await owner.CreatePipelineAsync());
        }

        // One socket each: a socket's requests run one after another, so only separate sockets race.
        var clients = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => server.ConnectAsync()));
        try
        {
            var replies = await Task.WhenAll(clients.Select((c, i) => Task.Run(() => c.TryCreateEndpointAsync(pipelines[i % pipelines.Count]))));

            replies.Count(r => r["error"] is null).Should().Be(50);
            replies.Where(r => r["error"] is not null).Should().HaveCount(50).And.AllSatisfy(ShouldBeNotEnoughResources);
            server.Media.Created.Should().HaveCount(50);
            ShouldHoldExactly(server, endpoints: 50);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task One_session_holds_more_than_1000_objects_when_MaxEndpoints_allows_it()
    {
        // 350 calls' worth (a pipeline and two endpoints each) in the one session an application uses: past the old
        // per-session cap of 1000 objects, which stopped an application at 333 calls.
        await using var server = await StartAsync(maxEndpoints: 700);
        await using var client = await server.ConnectAsync();
        string? last = null;
        for (var call = 0; call < 350; call++)
        {
            last = await client.CreatePipelineAsync();
            await client.CreateEndpointAsync(last);
            await client.CreateEndpointAsync(last);
        }

        server.Diagnostics.GetCounts().Pipelines.Should().Be(350);
        ShouldHoldExactly(server, endpoints: 700);
        ShouldBeNotEnoughResources(await client.TryCreateEndpointAsync(last!));
    }

    [Fact]
    public async Task Stopping_the_server_gives_every_slot_back()
    {
        await using var server = await StartAsync(maxEndpoints: 4);
        var admission = server.Server.Services.GetRequiredService<EndpointAdmission>();
        await using var client = await server.ConnectAsync();
        await FillAsync(client, 3);

        await server.Server.StopAsync(CancellationToken.None);

        admission.Admitted.Should().Be(0);
        server.Media.Created.Should().AllSatisfy(s => s.DisposeCount.Should().Be(1));
    }

    [Fact]
    public async Task A_limit_below_one_stops_the_server_from_starting_and_says_why()
    {
        var start = () => StartAsync(maxEndpoints: 0);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("MediaServer:MaxEndpoints must be at least 1");
    }

    [Theory]
    [InlineData("MediaServer:SessionCollectTimeout")]
    [InlineData("MediaServer:ControlKeepAliveInterval")]
    [InlineData("MediaServer:ControlKeepAliveTimeout")]
    public async Task A_timeout_longer_than_a_timer_takes_stops_the_server_from_starting_and_says_why(string setting)
    {
        // 60 days: past what a timer or a WebSocket keep-alive takes (about 49.7 days), which would fail later, per socket.
        var start = () => KurentoTestServer.StartAsync(new Dictionary<string, string?> { [setting] = "60.00:00:00" }, fakeClock: false);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("at most 1.00:00:00");
    }

    private static Task<KurentoTestServer> StartAsync(int maxEndpoints, bool fakeClock = false) =>
        KurentoTestServer.StartAsync(new Dictionary<string, string?> { ["MediaServer:MaxEndpoints"] = maxEndpoints.ToString(System.Globalization.CultureInfo.InvariantCulture) }, fakeClock);

    private static async Task FillAsync(KurentoTestClient client, int endpoints)
    {
        var pipeline = await client.CreatePipelineAsync();
        for (var i = 0; i < endpoints; i++)
        {
            await client.CreateEndpointAsync(pipeline);
        }
    }

    private static void ShouldBeNotEnoughResources(JsonNode reply)
    {
        var error = reply["error"];
        error.Should().NotBeNull($"the create should be refused: {reply.ToJsonString()}");
        error!["code"]!.GetValue<int>().Should().Be(40009);
        error["data"]!["type"]!.GetValue<string>().Should().Be("NOT_ENOUGH_RESOURCES");
        error["message"]!.GetValue<string>().Should().Contain("MediaServer:MaxEndpoints");
    }

    /// <summary>The live endpoints, and the slots held, are exactly <paramref name="endpoints"/>.</summary>
    private static void ShouldHoldExactly(KurentoTestServer server, int endpoints)
    {
        server.Diagnostics.GetCounts().Endpoints.Should().Be(endpoints);
        server.Diagnostics.AdmittedEndpoints.Should().Be(endpoints);
    }
}
