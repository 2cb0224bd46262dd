using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>
/// A session that lives as long as the application (One2One.Server runs every call on one) must not keep what it
/// released: neither the objects it created nor the objects it subscribed to.
/// </summary>
public sealed class KurentoSessionReleaseTests
{
    [Fact]
    public async Task After_many_create_subscribe_release_cycles_the_session_holds_no_released_object()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        for (var call = 0; call < 20; call++)
        {
            var pipeline = await client.CreatePipelineAsync();
            var endpoint = await client.CreateEndpointAsync(pipeline);
            await client.SubscribeAsync(pipeline, "Error");
            await client.SubscribeAsync(endpoint, "IceCandidateFound");
            await client.SubscribeAsync(endpoint, "MediaFlowInStateChanged");
            await client.ResultAsync("release", new JsonObject { ["object"] = pipeline });
        }

        var session = SessionOf(server, client);
        session.SubscribedCount.Should().Be(0, "a released object's subscriptions are gone, so the session must forget it");
        session.OwnedCount.Should().Be(0);
        server.Diagnostics.GetCounts().Pipelines.Should().Be(0);
    }

    [Fact]
    public async Task Unsubscribing_the_last_subscription_on_an_object_forgets_it()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        var first = await client.SubscribeAsync(endpoint, "IceCandidateFound");
        var second = await client.SubscribeAsync(endpoint, "IceGatheringDone");
        var session = SessionOf(server, client);

        await client.ResultAsync("unsubscribe", new JsonObject { ["object"] = endpoint, ["subscription"] = first });
        var afterFirst = session.SubscribedCount;
        await client.ResultAsync("unsubscribe", new JsonObject { ["object"] = endpoint, ["subscription"] = second });

        afterFirst.Should().Be(1, "one subscription on the endpoint is still live");
        session.SubscribedCount.Should().Be(0);
    }

    [Fact]
    public async Task An_object_released_by_its_creator_leaves_no_trace_in_another_session_that_subscribed_to_it()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var creator = await server.ConnectAsync();
        await using var watcher = await server.ConnectAsync();
        var pipeline = await creator.CreatePipelineAsync();
        await watcher.ResultAsync("connect");
        await watcher.SubscribeAsync(pipeline, "Error");
        var watching = SessionOf(server, watcher);
        var before = watching.SubscribedCount;

        await creator.ResultAsync("release", new JsonObject { ["object"] = pipeline });

        before.Should().Be(1);
        watching.SubscribedCount.Should().Be(0);
    }

    [Fact]
    public async Task A_released_pipeline_and_its_endpoint_can_be_collected_while_the_session_lives_on()
    {
        // The real machinery: an endpoint's WebRtcSession, transport and SDP are what a leak would keep.
        await using var server = await KurentoTestServer.StartAsync(realMedia: true);
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var endpoint = await client.CreateEndpointAsync(pipeline);
        await client.SubscribeAsync(pipeline, "Error");
        await client.SubscribeAsync(endpoint, "IceCandidateFound");
        var references = WeakReferencesTo(server, pipeline, endpoint);

        await client.ResultAsync("release", new JsonObject { ["object"] = pipeline });
        for (var i = 0; i < 3 && references.Any(r => r.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        references.Should().AllSatisfy(r => r.IsAlive.Should().BeFalse("nothing may keep a released object reachable"));
        (await client.ResultAsync("ping"))["value"]!.GetValue<string>().Should().Be("pong", "the session itself lives on");
    }

    // Not inlined, so no local of the test method keeps the objects reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] WeakReferencesTo(KurentoTestServer server, params string[] ids)
    {
        var mediaSet = server.Server.Services.GetRequiredService<MediaSet>();
        return [.. ids.Select(id => new WeakReference(mediaSet.Get(id)))];
    }

    private static KurentoSession SessionOf(KurentoTestServer server, KurentoTestClient client)
    {
        server.Server.Services.GetRequiredService<KurentoSessionRegistry>().TryGet(client.SessionId!, out var session).Should().BeTrue();
        return session;
    }
}
