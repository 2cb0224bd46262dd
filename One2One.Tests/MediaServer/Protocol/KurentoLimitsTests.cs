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

    [Fact]
    public async Task An_objects_tags_together_are_bounded_and_removing_or_shortening_one_makes_room()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var value = new string('v', MediaObjectImpl.MaxTagValueLength - 8);
        var fitting = MediaObjectImpl.MaxTagsLength / MediaObjectImpl.MaxTagValueLength;
        for (var i = 0; i < fitting; i++)
        {
            (await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = $"k{i}", ["value"] = value }))["error"].Should().BeNull();
        }

        var past = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = "more", ["value"] = value });
        var shortened = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = "k0", ["value"] = "v" });
        var nowFits = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = "more", ["value"] = value });
        var pastAgain = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = "k0", ["value"] = value });
        await client.InvokeAsync(pipeline, "removeTag", new JsonObject { ["key"] = "more" });
        var afterRemoval = await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = "k0", ["value"] = value });

        past["error"]!["code"]!.GetValue<int>().Should().Be(40009);
        past["error"]!["message"]!.GetValue<string>().Should().Contain($"{MediaObjectImpl.MaxTagsLength} characters of tags");
        shortened["error"].Should().BeNull("a shorter value for a key gives back the difference");
        nowFits["error"].Should().BeNull();
        pastAgain["error"]!["code"]!.GetValue<int>().Should().Be(40009, "lengthening a tag counts too");
        afterRemoval["error"].Should().BeNull("a removed tag gives back its length");
    }

    [Fact]
    public async Task A_transaction_of_too_many_operations_is_40009_and_runs_none_of_them()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ResultAsync("connect");
        var operations = new JsonArray();
        for (var i = 0; i <= KurentoRequestProcessor.MaxTransactionOperations; i++)
        {
            operations.Add(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = i, ["method"] = "create", ["params"] = new JsonObject { ["type"] = "MediaPipeline" } });
        }

        var refused = await client.ErrorAsync("transaction", new JsonObject { ["operations"] = operations });

        refused["code"]!.GetValue<int>().Should().Be(40009);
        refused["message"]!.GetValue<string>().Should().Contain($"at most {KurentoRequestProcessor.MaxTransactionOperations} operations");
        server.Diagnostics.GetCounts().Pipelines.Should().Be(0);
    }

    [Fact]
    public async Task A_transaction_stops_once_its_replies_pass_the_bound_and_every_operation_run_is_answered()
    {
        // The largest tags an object may carry, every character escaped six times over in JSON (\u0001), read back by a
        // transaction of getTags: without the bound, one small request builds a reply of tens of megabytes.
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var value = new string('\u0001', MediaObjectImpl.MaxTagValueLength);
        for (var i = 0; i < MediaObjectImpl.MaxTagsLength / (MediaObjectImpl.MaxTagValueLength + 2); i++)
        {
            (await client.InvokeAsync(pipeline, "addTag", new JsonObject { ["key"] = $"k{i}", ["value"] = value }))["error"].Should().BeNull();
        }

        var operations = new JsonArray();
        for (var i = 0; i < KurentoRequestProcessor.MaxTransactionOperations - 1; i++)
        {
            operations.Add(new JsonObject
            {
                ["jsonrpc"] = "2.0", ["id"] = i, ["method"] = "invoke",
                ["params"] = new JsonObject { ["object"] = pipeline, ["operation"] = "getTags" },
            });
        }

        operations.Add(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = operations.Count, ["method"] = "create", ["params"] = new JsonObject { ["type"] = "MediaPipeline" } });
        var replies = (await client.ResultAsync("transaction", new JsonObject { ["operations"] = operations }))["value"]!.AsArray();

        replies.Count.Should().BeLessThan(operations.Count, "the transaction stopped before its end");
        replies[^1]!["error"]!["code"]!.GetValue<int>().Should().Be(40009);
        replies.Take(replies.Count - 1).Should().OnlyContain(r => r!["error"] == null, "each operation that ran is answered");
        replies.ToJsonString().Length.Should().BeLessThan(KurentoRequestProcessor.MaxTransactionReplyBytes + (256 * 1024));
        server.Diagnostics.GetCounts().Pipelines.Should().Be(1, "the create at the end did not run");
    }
}
