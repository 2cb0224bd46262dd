using System.Text.Json.Nodes;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>What a control client can make the server store is bounded: subscriptions, tags, names, properties.</summary>
public sealed class KurentoLimitsTests
{
    [Fact]
    public async Task Subscriptions_beyond_the_per_object_limit_of_a_session_are_40009_and_unsubscribing_makes_room()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        var subscriptions = new List<string>();
        for (var i = 0; i < KurentoSession.MaxSubscriptionsPerObject; i++)
        {
            subscriptions.Add(await client.SubscribeAsync(endpoint, "IceCandidateFound"));
        }

        var refused = await client.ErrorAsync("subscribe", new JsonObject { ["object"] = endpoint, ["type"] = "Error" });
        await client.ResultAsync("unsubscribe", new JsonObject { ["object"] = endpoint, ["subscription"] = subscriptions[0] });
        var again = await client.SubscribeAsync(endpoint, "Error");
        await other.ResultAsync("connect");
        var fromAnotherSession = await other.SubscribeAsync(endpoint, "Error");

        refused["code"]!.GetValue<int>().Should().Be(40009);
        refused["message"]!.GetValue<string>().Should().Contain("64 subscriptions");
        again.Should().NotBeNullOrEmpty();
        fromAnotherSession.Should().NotBeNullOrEmpty("the limit is per session");
    }

    [Fact]
    public async Task Tags_beyond_the_limit_are_40009_and_a_key_or_value_too_long_is_40107()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        for (var i = 0; i < MediaObjectImpl.MaxTags; i++)
        {
            await client.InvokeValueAsync(pipeline, "addTag", new JsonObject { ["key"] = $"k{i}", ["value"] = "v" });
        }

        var tooMany = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = "one-more", ["value"] = "v" });
        var replaced = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = "k0", ["value"] = "changed" });
        var longKey = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = new string('k', MediaObjectImpl.MaxTagKeyLength + 1), ["value"] = "v" });
        var longValue = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = "k1", ["value"] = new string('v', MediaObjectImpl.MaxTagValueLength + 1) });

        tooMany["error"]!["code"]!.GetValue<int>().Should().Be(40009);
        replaced["error"].Should().BeNull("changing an existing tag adds none");
        longKey["error"]!["code"]!.GetValue<int>().Should().Be(40107);
        longValue["error"]!["code"]!.GetValue<int>().Should().Be(40107);
        (await client.InvokeValueAsync(pipeline, "getTags"))!.AsArray().Should().HaveCount(MediaObjectImpl.MaxTags);
        (await client.InvokeValueAsync(pipeline, "getTag", new JsonObject { ["key"] = "k1" }))!.GetValue<string>().Should().Be("v");
    }

    [Fact]
    public async Task A_name_or_a_property_value_too_long_is_40107_and_leaves_the_old_one()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        await client.InvokeValueAsync(endpoint, "setName", new JsonObject { ["name"] = "caller" });
        await client.InvokeValueAsync(endpoint, "setStunServerAddress", new JsonObject { ["stunServerAddress"] = "192.0.2.1" });

        var longName = await client.InvokeAsync(endpoint, "setName", new JsonObject { ["name"] = new string('n', MediaObjectImpl.MaxNameLength + 1) });
        var longProperty = await client.InvokeAsync(endpoint, "setStunServerAddress",
            new JsonObject { ["stunServerAddress"] = new string('a', MediaObjectImpl.MaxPropertyJsonLength) });

        longName["error"]!["code"]!.GetValue<int>().Should().Be(40107);
        longProperty["error"]!["code"]!.GetValue<int>().Should().Be(40107, "the value as JSON (with its quotes) is over the limit");
        (await client.InvokeValueAsync(endpoint, "getName"))!.GetValue<string>().Should().Be("caller");
        (await client.InvokeValueAsync(endpoint, "getStunServerAddress"))!.GetValue<string>().Should().Be("192.0.2.1");
    }
}
