using Microsoft.Extensions.Logging.Abstractions;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Elements;

/// <summary>The element graph and its lifecycle, driven directly (no protocol).</summary>
public sealed class MediaPipelineTests
{
    private readonly StandInWebRtcSessionFactory _media = new();
    private readonly MediaSet _set;

    public MediaPipelineTests() => _set = new MediaSet(_media, TimeProvider.System, NullLogger<MediaSet>.Instance);

    private ValueTask<WebRtcEndpointImpl> EndpointAsync(MediaPipelineImpl pipeline) => _set.CreateWebRtcEndpointAsync(pipeline, false, false, null);

    [Fact]
    public async Task A_sink_takes_one_source_per_media_type_as_in_KMS()
    {
        var pipeline = _set.CreatePipeline(null);
        var a = await EndpointAsync(pipeline);
        var b = await EndpointAsync(pipeline);
        var sink = await EndpointAsync(pipeline);

        await a.ConnectAsync(sink, null);
        await b.ConnectAsync(sink, KurentoMediaType.Video);

        _media.For(a.Id).Sinks.Should().Equal(((IWebRtcSession)_media.For(sink.Id), KurentoMediaType.Audio));
        _media.For(b.Id).Sinks.Should().Equal(((IWebRtcSession)_media.For(sink.Id), KurentoMediaType.Video));
        (await sink.GetSourceConnectionsAsync(null)).Select(c => (c.Source, c.Type)).Should().BeEquivalentTo(new[] { ((MediaElementImpl)a, KurentoMediaType.Audio), (b, KurentoMediaType.Video) });
    }

    [Fact]
    public async Task Connecting_twice_relays_once()
    {
        var pipeline = _set.CreatePipeline(null);
        var a = await EndpointAsync(pipeline);

        await a.ConnectAsync(a, KurentoMediaType.Audio);
        await a.ConnectAsync(a, KurentoMediaType.Audio);

        _media.For(a.Id).Sinks.Should().Equal(((IWebRtcSession)_media.For(a.Id), KurentoMediaType.Audio));
    }

    [Fact]
    public async Task Releasing_an_element_stops_the_relays_into_it_and_disposes_its_media_once()
    {
        var pipeline = _set.CreatePipeline(null);
        var a = await EndpointAsync(pipeline);
        var b = await EndpointAsync(pipeline);
        await a.ConnectAsync(b, null);
        await b.ConnectAsync(a, null);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                await b.ReleaseAsync();
            }
            catch (KurentoErrorException ex) when (ex.Code == KurentoErrorCode.MediaObjectNotFound)
            {
            }
        })));

        _media.For(b.Id).DisposeCount.Should().Be(1);
        _media.For(a.Id).Sinks.Should().BeEmpty();
        (await a.GetSourceConnectionsAsync(null)).Should().BeEmpty();
        pipeline.Children.Should().Equal(a);
        _set.TryGet(b.Id, out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_connect_racing_a_release_never_leaves_a_relay_into_a_released_element()
    {
        for (var i = 0; i < 50; i++)
        {
            var pipeline = _set.CreatePipeline(null);
            var a = await EndpointAsync(pipeline);
            var b = await EndpointAsync(pipeline);

            var connect = Task.Run(async () =>
            {
                try
                {
                    await a.ConnectAsync(b, null);
                }
                catch (KurentoErrorException ex) when (ex.Code == KurentoErrorCode.MediaObjectNotFound)
                {
                }
            });
            var release = Task.Run(async () => await b.ReleaseAsync());
            await Task.WhenAll(connect, release);

            _media.For(a.Id).Sinks.Should().BeEmpty($"iteration {i}");
        }
    }

    [Fact]
    public async Task A_released_pipeline_takes_no_new_element_and_answers_40101()
    {
        var pipeline = _set.CreatePipeline(null);
        var a = await EndpointAsync(pipeline);
        await pipeline.ReleaseAsync();

        var create = async () => await EndpointAsync(pipeline);
        var processOffer = async () => await a.ProcessOfferAsync("v=0");

        (await create.Should().ThrowAsync<KurentoErrorException>()).Which.Code.Should().Be(KurentoErrorCode.MediaObjectNotFound);
        (await processOffer.Should().ThrowAsync<KurentoErrorException>()).Which.Code.Should().Be(KurentoErrorCode.MediaObjectNotFound);
        _media.Created.Should().ContainSingle().Which.DisposeCount.Should().Be(1);
        _set.PipelineCount.Should().Be(0);
        _set.EndpointCount.Should().Be(0);
    }

    [Fact]
    public async Task The_owner_hears_of_each_release_once()
    {
        var owner = new RecordingOwner();
        var pipeline = _set.CreatePipeline(owner);
        var a = await _set.CreateWebRtcEndpointAsync(pipeline, false, false, owner);

        await pipeline.ReleaseAsync();

        owner.Released.Should().BeEquivalentTo(new MediaObjectImpl[] { pipeline, a });
    }

    [Fact]
    public async Task Media_reports_become_events_only_for_subscribers()
    {
        var pipeline = _set.CreatePipeline(null);
        var a = await EndpointAsync(pipeline);
        var subscriber = new RecordingSubscriber();
        var observer = _media.For(a.Id).Observer;

        observer.IceGatheringDone();
        var subscription = a.Subscribe("IceGatheringDone", "OnIceGatheringDone", subscriber);
        observer.IceGatheringDone();
        a.Unsubscribe(subscription.Id);
        observer.IceGatheringDone();

        subscriber.Events.Should().ContainSingle().Which.Subscription.DeliveredAs.Should().Be("OnIceGatheringDone");
    }

    [Fact]
    public async Task ConnectionStateChanged_is_raised_only_on_a_change()
    {
        var pipeline = _set.CreatePipeline(null);
        var a = await EndpointAsync(pipeline);
        var subscriber = new RecordingSubscriber();
        a.Subscribe("ConnectionStateChanged", "ConnectionStateChanged", subscriber);
        var observer = _media.For(a.Id).Observer;

        observer.ConnectionStateChanged(true);
        observer.ConnectionStateChanged(true);
        observer.ConnectionStateChanged(false);

        subscriber.Events.Select(e => ((ConnectionStateChangedEvent)e.Event).NewConnected).Should().Equal(true, false);
        a.IsConnected.Should().BeFalse();
    }

    private sealed class RecordingOwner : IMediaObjectOwner
    {
        public List<MediaObjectImpl> Released { get; } = [];

        public void OnReleased(MediaObjectImpl mediaObject)
        {
            lock (Released)
            {
                Released.Add(mediaObject);
            }
        }
    }

    private sealed class RecordingSubscriber : IEventSubscriber
    {
        public List<(EventSubscription Subscription, MediaEvent Event)> Events { get; } = [];

        public void Deliver(MediaObjectImpl source, EventSubscription subscription, MediaEvent mediaEvent)
        {
            lock (Events)
            {
                Events.Add((subscription, mediaEvent));
            }
        }

        public void OnUnsubscribed(MediaObjectImpl source, EventSubscription subscription)
        {
        }

        public void OnSourceReleased(MediaObjectImpl source)
        {
        }
    }
}
