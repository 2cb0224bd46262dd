using Microsoft.AspNetCore.SignalR;
using One2One.Server.Contracts;
using One2One.Tests.Observability.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// SetMediaState → PeerMediaState: a side's mute state reaches the peer of its call, only during a call, and only as
/// often as Limits allow. The real server with its embedded media server and simulated browsers.
/// </summary>
public sealed class MediaStateTests : MediaStateScenarios<OneNode>;

/// <summary>
/// The media state's scenarios; the caller and the callee connect where <typeparamref name="TLayout"/> puts them: one node
/// (<see cref="MediaStateTests"/>) or two (<c>MediaStateAcrossNodesTests</c>: the media on the caller's node).
/// </summary>
public abstract class MediaStateScenarios<TLayout> : IAsyncLifetime
    where TLayout : INodeLayout
{
    private IScenarioNodes _nodes = null!;

    public async Task InitializeAsync() =>
        _nodes = await TLayout.StartAsync(() => new One2OneServerFactory().WithSetting("Limits:MediaStatePerConnectionPerMinute", "3"));

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    private Task<MediaCall> RegisterCallAsync() =>
        MediaCall.RegisterAsync(_nodes.NodeOf("alice").HubUri, _nodes.NodeOf("bob").HubUri, Names.Unique("alice"), Names.Unique("bob"));

    [Fact]
    public async Task In_a_call_each_sides_media_state_reaches_the_other_side_only()
    {
        await using var call = await RegisterCallAsync();
        await call.ConnectAsync();

        await call.Caller.SetMediaStateAsync(new MediaState(Audio: false, Video: true));
        (await call.Callee.WaitForAsync<MediaState>()).Message.Should().Be(new MediaState(false, true));
        await call.Callee.SetMediaStateAsync(new MediaState(Audio: true, Video: false));
        (await call.Caller.WaitForAsync<MediaState>()).Message.Should().Be(new MediaState(true, false));

        call.Caller.Drain().OfType<MediaState>().Should().BeEmpty("a side is not told its own state");
        call.Callee.Drain().OfType<MediaState>().Should().BeEmpty("a side is not told its own state");
    }

    [Fact]
    public async Task Outside_a_call_or_without_a_state_SetMediaState_is_refused()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_nodes.NodeOf("alice").HubUri, Names.Unique("alice"));

        var noCall = async () => await alice.SetMediaStateAsync(new MediaState(false, false));
        var noState = async () => await alice.SetMediaStateAsync(null);

        (await noCall.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("no-call: There is no call in progress");
        (await noState.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("needs audio and video");
    }

    [Fact]
    public async Task More_changes_than_Limits_allow_are_refused_as_rate_limited_and_not_relayed()
    {
        await using var call = await RegisterCallAsync();
        await call.ConnectAsync();

        for (var i = 0; i < 3; i++)
        {
            await call.Caller.SetMediaStateAsync(new MediaState(i % 2 == 0, true));
        }

        var fourth = async () => await call.Caller.SetMediaStateAsync(new MediaState(false, false));
        (await fourth.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("rate-limited: Too many mute changes");
        for (var i = 0; i < 3; i++)
        {
            (await call.Callee.WaitForAsync<MediaState>()).Message.Audio.Should().Be(i % 2 == 0);
        }

        await call.Callee.SetMediaStateAsync(new MediaState(true, true));
        (await call.Caller.WaitForAsync<MediaState>()).Message.Should().Be(new MediaState(true, true), "the budget is per connection");
        call.Callee.Drain().OfType<MediaState>().Should().BeEmpty("the refused change was not relayed");
    }
}
