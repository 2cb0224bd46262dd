using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using One2One.Kurento;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Kurento;

public sealed class KurentoClientEventTests : IAsyncLifetime
{
    private readonly RecordingLogger<KurentoClient> _logger = new();
    private ScriptedKurentoServer _server = null!;
    private KurentoClient _client = null!;
    private WebRtcEndpoint _endpoint = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedKurentoServer.StartAsync();
        _client = KurentoTestClient.Create(_server, logger: _logger);
        var pipeline = await _client.CreateMediaPipelineAsync();
        _endpoint = await pipeline.CreateWebRtcEndpointAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Subscribing_sends_the_7x_event_name_and_an_event_reaches_the_typed_handler()
    {
        var received = new Received<IceCandidateFound>(1);

        await using var subscription = await _endpoint.SubscribeAsync<IceCandidateFound>(received.Add);
        await _server.PushEventAsync(_endpoint.Id, "IceCandidateFound", new JsonObject
        {
            ["candidate"] = new JsonObject
            {
                ["__module__"] = "kurento",
                ["__type__"] = "IceCandidate",
                ["candidate"] = "candidate:1 1 UDP 2015363327 192.0.2.10 40000 typ host",
                ["sdpMLineIndex"] = 0,
                ["sdpMid"] = "0",
            },
        });

        var events = await received.All;
        events.Should().Equal(new IceCandidateFound(new KurentoIceCandidate("candidate:1 1 UDP 2015363327 192.0.2.10 40000 typ host", "0", 0)));
        var subscribe = _server.RequestsOf("subscribe").Should().ContainSingle().Subject;
        JsonNode.DeepEquals(subscribe.Params, new JsonObject { ["type"] = "IceCandidateFound", ["object"] = _endpoint.Id, ["sessionId"] = _client.SessionId })
            .Should().BeTrue(subscribe.Raw);
        subscription.Id.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Events_past_the_queue_limit_while_a_handler_is_slow_are_dropped_counted_and_logged_and_the_rest_are_handled()
    {
        var logger = new RecordingLogger<KurentoClient>();
        await using var client = KurentoTestClient.Create(_server, configure: o => o.MaxQueuedEvents = 16, logger: logger);
        var endpoint = await (await client.CreateMediaPipelineAsync()).CreateWebRtcEndpointAsync();
        using var slow = new SemaphoreSlim(0);
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        await using var subscription = await endpoint.SubscribeAsync<IceGatheringDone>(_ =>
        {
            Interlocked.Increment(ref handled);
            inHandler.TrySetResult();
            slow.Wait();
        });

        try
        {
            // The first event holds the dispatch loop; 16 more fill the queue, and the 10 after them have no room.
            await _server.PushEventAsync(endpoint.Id, "IceGatheringDone", []);
            await inHandler.Task.WaitAsync(KurentoTestClient.Soon);
            for (var i = 0; i < 26; i++)
            {
                await _server.PushEventAsync(endpoint.Id, "IceGatheringDone", []);
            }

            await Eventually.TrueAsync(() => Task.FromResult(client.DroppedEventCount == 10), "the events past the limit dropped", TimeSpan.FromSeconds(5));
            logger.WithEvent("EventsDropped").Should().ContainSingle("logged on the first drop, not on each");
            (await endpoint.GatherCandidatesAsync().WaitAsync(KurentoTestClient.Soon).ContinueWith(t => t.IsCompletedSuccessfully))
                .Should().BeTrue("replies still come while events wait");
        }
        finally
        {
            // Never left blocked, or the client's disposal would wait for its handler for ever.
            slow.Release(100);
        }

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref handled) == 17), "the queued events handled");
    }

    [Fact]
    public async Task Each_time_the_event_queue_overflows_its_first_drop_is_logged()
    {
        // The count goes on across overflows: a second one, days later and smaller than 1,000 drops, was never logged.
        var logger = new RecordingLogger<KurentoClient>();
        await using var client = KurentoTestClient.Create(_server, configure: o => o.MaxQueuedEvents = 4, logger: logger);
        var endpoint = await (await client.CreateMediaPipelineAsync()).CreateWebRtcEndpointAsync();
        using var slow = new SemaphoreSlim(0);
        var handled = 0;
        await using var subscription = await endpoint.SubscribeAsync<IceGatheringDone>(_ =>
        {
            Interlocked.Increment(ref handled);
            slow.Wait();
        });

        try
        {
            for (var overflow = 1; overflow <= 2; overflow++)
            {
                // One event holds the dispatch loop, four fill the queue, two have no room.
                await _server.PushEventAsync(endpoint.Id, "IceGatheringDone", []);
                await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref handled) == (5 * (overflow - 1)) + 1), "the handler holds the loop");
                for (var i = 0; i < 6; i++)
                {
                    await _server.PushEventAsync(endpoint.Id, "IceGatheringDone", []);
                }

                await Eventually.TrueAsync(() => Task.FromResult(client.DroppedEventCount == 2 * overflow), $"overflow {overflow} dropped two");
                logger.WithEvent("EventsDropped").Should().HaveCount(overflow, "the first drop of each overflow is logged");
                slow.Release(5);
                await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref handled) == 5 * overflow), "the queue drained");
            }
        }
        finally
        {
            slow.Release(100);
        }
    }

    [Fact]
    public async Task On_40106_the_client_subscribes_with_the_6x_name_and_events_under_either_name_reach_the_handler()
    {
        _server.When(r => r.Method == "subscribe" && r.Type == "IceComponentStateChanged",
            ScriptedReply.Error(40106, "MEDIA_OBJECT_EVENT_NOT_SUPPORTED", "Event 'IceComponentStateChanged' not supported"));
        var received = new Received<IceComponentStateChanged>(2);

        await using var subscription = await _endpoint.SubscribeAsync<IceComponentStateChanged>(received.Add);
        await _server.PushEventAsync(_endpoint.Id, "OnIceComponentStateChanged", new JsonObject { ["streamId"] = 1, ["componentId"] = 1, ["state"] = "CONNECTING" });
        await _server.PushEventAsync(_endpoint.Id, "IceComponentStateChanged", new JsonObject { ["streamId"] = 1, ["componentId"] = 1, ["state"] = "READY" });

        (await received.All).Should().Equal(
            new IceComponentStateChanged(1, 1, IceComponentState.Connecting),
            new IceComponentStateChanged(1, 1, IceComponentState.Ready));
        _server.RequestsOf("subscribe").Select(r => r.Type).Should().Equal("IceComponentStateChanged", "OnIceComponentStateChanged");
    }

    [Fact]
    public async Task A_subscribe_error_other_than_40106_is_thrown_without_fallback()
    {
        _server.When(r => r.Method == "subscribe", ScriptedReply.Error(40101, "MEDIA_OBJECT_NOT_FOUND", "Object not found"));

        var subscribing = () => _endpoint.SubscribeAsync<IceComponentStateChanged>(_ => { });

        (await subscribing.Should().ThrowAsync<KurentoException>()).Which.Code.Should().Be(KurentoErrorCodes.MediaObjectNotFound);
        _server.RequestsOf("subscribe").Should().ContainSingle();
        _client.EventRouteCount.Should().Be(0);
    }

    [Fact]
    public async Task Events_reach_handlers_in_arrival_order()
    {
        var received = new Received<MediaFlowInStateChanged>(50);
        await using var subscription = await _endpoint.SubscribeAsync<MediaFlowInStateChanged>(received.Add);

        for (int i = 0; i < 50; i++)
        {
            await _server.PushEventAsync(_endpoint.Id, "MediaFlowInStateChanged", new JsonObject
            {
                ["state"] = i % 2 == 0 ? "FLOWING" : "NOT_FLOWING",
                ["padName"] = $"pad{i}",
                ["mediaType"] = i % 3 == 0 ? "AUDIO" : "VIDEO",
            });
        }

        var events = await received.All;
        events.Select(e => e.PadName).Should().Equal(Enumerable.Range(0, 50).Select(i => $"pad{i}"));
        events[1].Should().Be(new MediaFlowInStateChanged(MediaFlowState.NotFlowing, MediaType.Video, "pad1"));
    }

    [Fact]
    public async Task A_throwing_handler_is_logged_and_later_events_and_handlers_still_run()
    {
        var received = new Received<IceGatheringDone>(2);
        int calls = 0;
        await using var throwing = await _endpoint.SubscribeAsync<IceGatheringDone>(_ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("handler bug");
            }
        });
        await using var counting = await _endpoint.SubscribeAsync<IceGatheringDone>(received.Add);

        await _server.PushEventAsync(_endpoint.Id, "IceGatheringDone", []);
        await _server.PushEventAsync(_endpoint.Id, "IceGatheringDone", []);

        (await received.All).Should().HaveCount(2);

        // Handlers of one event may run in either order: wait for the throwing one's second run as well.
        await One2One.Tests.Support.Eventually.TrueAsync(() => Volatile.Read(ref calls) == 2, "the throwing handler ran for the second event too");
        _logger.WithEvent("EventHandlerFailed").Should().ContainSingle().Which.Exception.Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public async Task A_malformed_event_is_logged_and_dropped_and_unknown_fields_are_ignored()
    {
        var received = new Received<MediaFlowOutStateChanged>(1);
        await using var subscription = await _endpoint.SubscribeAsync<MediaFlowOutStateChanged>(received.Add);

        await _server.PushEventAsync(_endpoint.Id, "MediaFlowOutStateChanged", new JsonObject { ["state"] = "BOGUS", ["padName"] = "default", ["mediaType"] = "VIDEO" });
        await _server.PushEventAsync(_endpoint.Id, "MediaFlowOutStateChanged", new JsonObject { ["padName"] = "default", ["mediaType"] = "VIDEO" });
        await _server.SendRawAsync("{\"jsonrpc\":\"2.0\",\"method\":\"onEvent\",\"params\":{\"value\":{\"type\":\"MediaFlowOutStateChanged\"}}}");
        await _server.SendRawAsync("{not json");
        await _server.PushEventAsync(_endpoint.Id, "MediaFlowOutStateChanged", new JsonObject
        {
            ["state"] = "FLOWING",
            ["padName"] = "default",
            ["mediaType"] = "AUDIO",
            ["someFutureField"] = new JsonObject { ["x"] = 1 },
        });

        (await received.All).Should().Equal(new MediaFlowOutStateChanged(MediaFlowState.Flowing, MediaType.Audio, "default"));
        _logger.WithEvent("MalformedEvent").Should().HaveCount(2);
        _logger.WithEvent("MalformedNotification").Should().ContainSingle();
        _logger.WithEvent("MalformedMessage").Should().ContainSingle();
        await _endpoint.GatherCandidatesAsync();   // the connection survived all of it
        _server.ConnectionCount.Should().Be(1);
    }

    [Fact]
    public async Task Events_are_routed_by_object_and_type()
    {
        var other = await (await _client.CreateMediaPipelineAsync()).CreateWebRtcEndpointAsync();
        var mine = new Received<IceGatheringDone>(1);
        var theirs = new Received<IceGatheringDone>(1);
        var found = new Received<IceCandidateFound>(1);
        await using var a = await _endpoint.SubscribeAsync<IceGatheringDone>(mine.Add);
        await using var b = await other.SubscribeAsync<IceGatheringDone>(theirs.Add);
        await using var c = await other.SubscribeAsync<IceCandidateFound>(found.Add);

        await _server.PushEventAsync(other.Id, "IceGatheringDone", []);
        await _server.PushEventAsync(_endpoint.Id, "IceCandidateFound", new JsonObject { ["candidate"] = new JsonObject { ["candidate"] = "x", ["sdpMid"] = "0", ["sdpMLineIndex"] = 0 } });
        await _server.PushEventAsync(_endpoint.Id, "IceGatheringDone", []);

        await mine.All;
        await theirs.All;
        mine.Count.Should().Be(1);
        theirs.Count.Should().Be(1);
        found.Count.Should().Be(0);
    }

    [Fact]
    public async Task Handlers_of_one_event_share_one_subscription_and_the_last_disposal_unsubscribes_by_id()
    {
        var first = await _endpoint.SubscribeAsync<IceGatheringDone>(_ => { });
        var second = await _endpoint.SubscribeAsync<IceGatheringDone>(_ => { });

        _server.RequestsOf("subscribe").Should().ContainSingle();
        second.Id.Should().Be(first.Id);
        await first.DisposeAsync();
        await first.DisposeAsync();
        _server.RequestsOf("unsubscribe").Should().BeEmpty();
        await second.DisposeAsync();

        var unsubscribe = _server.RequestsOf("unsubscribe").Should().ContainSingle().Subject;
        JsonNode.DeepEquals(unsubscribe.Params, new JsonObject { ["object"] = _endpoint.Id, ["subscription"] = first.Id, ["sessionId"] = _client.SessionId })
            .Should().BeTrue(unsubscribe.Raw);
        _client.EventRouteCount.Should().Be(0);
    }

    [Fact]
    public async Task A_disposed_subscription_gets_no_more_events()
    {
        var before = new Received<IceGatheringDone>(1);
        var after = new Received<IceGatheringDone>(1);
        var subscription = await _endpoint.SubscribeAsync<IceGatheringDone>(before.Add);
        await _server.PushEventAsync(_endpoint.Id, "IceGatheringDone", []);
        await before.All;
        await subscription.DisposeAsync();
        await using var next = await _endpoint.SubscribeAsync<IceGatheringDone>(after.Add);

        await _server.PushEventAsync(_endpoint.Id, "IceGatheringDone", []);

        await after.All;
        before.Count.Should().Be(1);
        _server.RequestsOf("subscribe").Should().HaveCount(2);
    }

    [Fact]
    public async Task Releasing_a_pipeline_forgets_the_routes_of_its_elements()
    {
        var pipeline = await _client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await using var onEndpoint = await endpoint.SubscribeAsync<IceGatheringDone>(_ => { });
        await using var onPipeline = await pipeline.SubscribeAsync<MediaErrorOccurred>(_ => { });
        await using var elsewhere = await _endpoint.SubscribeAsync<IceGatheringDone>(_ => { });

        await pipeline.ReleaseAsync();

        _client.EventRouteCount.Should().Be(1);
    }

    [Fact]
    public async Task A_slow_handler_does_not_delay_replies()
    {
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await _endpoint.SubscribeAsync<IceGatheringDone>(_ =>
        {
            entered.TrySetResult();
            release.Wait(KurentoTestClient.Soon);
        });
        await _server.PushEventAsync(_endpoint.Id, "IceGatheringDone", []);
        await entered.Task.WaitAsync(KurentoTestClient.Soon);

        string answer = await _endpoint.ProcessOfferAsync("v=0").WaitAsync(KurentoTestClient.Soon);

        release.IsSet.Should().BeFalse("the handler is still blocked while the reply arrived");
        release.Set();
        answer.Should().Be(ScriptedKurentoServer.DefaultAnswer);
    }

    [Fact]
    public async Task An_event_cut_into_frames_inside_UTF8_characters_is_decoded_whole()
    {
        var received = new Received<MediaErrorOccurred>(1);
        await using var subscription = await _endpoint.SubscribeAsync<MediaErrorOccurred>(received.Add);
        _server.FrameSize = 3;

        await _server.PushEventAsync(_endpoint.Id, "Error", new JsonObject
        {
            ["description"] = "Fehler in der Übertragung – 😀",
            ["errorCode"] = 1,
            ["type"] = "UNEXPECTED_PIPELINE_ERROR",
        });

        (await received.All).Should().Equal(new MediaErrorOccurred("Fehler in der Übertragung – 😀", 1, "UNEXPECTED_PIPELINE_ERROR"));
    }

    /// <summary>Collects events from the dispatch loop; <see cref="All"/> completes when the expected number arrived.</summary>
    private sealed class Received<T>(int expected)
    {
        private readonly ConcurrentQueue<T> _events = new();
        private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => _events.Count;

        public Task<T[]> All => WaitAllAsync();

        private async Task<T[]> WaitAllAsync()
        {
            await _complete.Task.WaitAsync(KurentoTestClient.Soon);
            return [.. _events];
        }

        public void Add(T item)
        {
            _events.Enqueue(item);
            if (_events.Count >= expected)
            {
                _complete.TrySetResult();
            }
        }
    }
}
