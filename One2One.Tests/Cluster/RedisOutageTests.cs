using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Server.Signaling;
using One2One.Tests.Calls;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// Redis out of reach for a while (frozen: SIGSTOP, as a hung Redis or one cut off from the nodes) under two nodes, over
/// the real redis-server and a scripted media server. Calls in progress go on and their pages can come back to them (no
/// page's connection waits for the SignalR backplane's Redis); what needs the cluster's storage is refused with a reason
/// that says so; a name whose release failed meanwhile is freed once Redis is back, however long it was away.
/// </summary>
/// <remarks>Redis's commands time out after 500 ms here (5 s by default), so each attempt made during the outage fails soon.</remarks>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);
    private readonly ReleaseAttempts _releases = new();
    private ScriptedKurentoServer _media = null!;
    private TwoNodeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _media = await ScriptedTwoNodeTests.StartMediaAsync();
        _cluster = await TwoNodeCluster.StartAsync(
            () => new One2OneServerFactory
            {
                KurentoUri = _media.Uri,
                CallClock = _clock,
                ReconnectWindow = TimeSpan.FromSeconds(30),
                ConfigureServices = services => services.AddSingleton<IOutgoingGrainCallFilter>(_releases),
            },
            redisOptions: "syncTimeout=500,asyncTimeout=500");
    }

    public async Task DisposeAsync()
    {
        await _cluster.Redis.ThawAsync();
        await _cluster.DisposeAsync();
        await _media.DisposeAsync();
    }

    [Fact]
    public async Task A_page_whose_connection_dropped_mid_call_comes_back_to_its_call_while_Redis_is_down()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "bob");
        await ScriptedTwoNodeTests.ConnectAsync(_cluster, _media, alice, bob);
        var token = bob.ResumeToken;

        await _cluster.Redis.FreezeAsync();
        await bob.DisconnectAsync();
        (await alice.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("bob");

        // The SignalR backplane would subscribe the new connection in Redis before accepting it: refused after Redis's
        // timeout, so no page could come back while Redis is away. Nothing this app sends to a page needs that channel.
        await using var back = await SignalingClient.ConnectAsync(_cluster.B.HubUri);
        var resumed = await back.ResumeAsync("bob", token);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().Be("alice");
        await back.RenegotiateAsync("v=0\r\no=- 9 9 IN IP4 0.0.0.0\r\ns=callee-back\r\n");
        (await back.WaitForAsync<Renegotiated>()).Message.SdpAnswer.Should().Be("answer-for-callee");

        await back.StopAsync();
        (await alice.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp, "the call went on, and the page that came back hung it up");
    }

    [Fact]
    public async Task Calling_someone_registered_on_the_other_node_while_Redis_is_down_is_refused_as_server_busy_not_as_an_unknown_name()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "bob");

        await _cluster.Redis.FreezeAsync();
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);

        var refused = await alice.ExpectAsync<CallResponse>();
        refused.Reason.Should().Be(Reasons.ServerBusy, "whether bob is registered could not be asked; he is, and alice's list still shows him");
        refused.Message.Should().Contain("cannot reach the rest of its cluster");
        bob.Drain().OfType<IncomingCall>().Should().BeEmpty();

        await _cluster.Redis.ThawAsync();
        var names = _cluster.A.Services.GetRequiredService<NameClaims>();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return await names.HeldElsewhereAsync("bob") is not null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return false;
            }
        }, "node A can ask the cluster's storage again");
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice", "once Redis is back, the call goes through");
    }

    [Fact]
    public async Task A_name_whose_release_failed_while_Redis_was_down_is_freed_once_Redis_is_back_however_long_that_took()
    {
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "bob");
        await _cluster.Redis.FreezeAsync();
        await bob.UnregisterAsync();
        await Eventually.TrueAsync(() => _releases.Count >= 1, "the first release is tried (and fails: Redis answers nothing)");

        // Ten minutes of attempts, each failing (a release used to be given up after nine, about five minutes in, and the
        // name then stayed taken until node A left the cluster).
        await AdvanceUntilAsync(() => _releases.Count >= 14, "the release is still tried after ten minutes");

        await _cluster.Redis.ThawAsync();
        await AdvanceUntilAsync(() => _releases.Succeeded >= 1, "a release gets through once Redis is back");

        // Node B's own connection to Redis may take a moment longer to come back: until then it says server-busy (each
        // try on a connection of its own, clear of the per-connection registration limit), never name-taken.
        await Eventually.TrueAsync(async () =>
        {
            await using var again = await SignalingClient.ConnectAsync(_cluster.B.HubUri);
            var answer = await again.RegisterAsync("BOB");
            answer.Reason.Should().NotBe(Reasons.NameTaken, "the name was freed");
            return answer.Response == Responses.Accepted;
        }, "the name is free across the cluster");
    }

    [Fact]
    public async Task The_backplane_of_a_node_stopping_while_Redis_is_down_is_disposed_without_an_error()
    {
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "bob");
        var backplane = _cluster.B.Services.GetRequiredService<HubLifetimeManager<One2OneHub>>();
        await _cluster.Redis.FreezeAsync();

        // As the container does when the node stops: the Redis backplane unsubscribes, and threw when Redis did not
        // answer, so the node's stop ended with that exception.
        var dispose = () => ((IDisposable)backplane).Dispose();
        dispose.Should().NotThrow();
        dispose.Should().NotThrow("disposing twice does nothing more");
    }

    /// <summary>
    /// Moves the call clock a minute at a time (each retry waits at most that) until <paramref name="done"/>: a step made
    /// before the next retry's delay is armed is simply followed by another.
    /// </summary>
    private async Task AdvanceUntilAsync(Func<Task<bool>> done, string because)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            deadline.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(1), because);
            _clock.Advance(TimeSpan.FromSeconds(61));
            await Task.Delay(200);
        }
    }

    private Task AdvanceUntilAsync(Func<bool> done, string because) => AdvanceUntilAsync(() => Task.FromResult(done()), because);

    /// <summary>Counts the calls that release a name's claim as they leave (answered or not), and those answered.</summary>
    private sealed class ReleaseAttempts : IOutgoingGrainCallFilter
    {
        private int _count;
        private int _succeeded;

        public int Count => Volatile.Read(ref _count);

        public int Succeeded => Volatile.Read(ref _succeeded);

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType != typeof(INameClaimGrain) || context.MethodName != nameof(INameClaimGrain.Release))
            {
                await context.Invoke();
                return;
            }

            Interlocked.Increment(ref _count);
            await context.Invoke();
            Interlocked.Increment(ref _succeeded);
        }
    }
}
