using One2One.Server.Contracts;
using One2One.Tests.Calls;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// The reconnect window closing, on the real clock, for a page on the node the call does not live on: bob's connection on
/// node B is lost for good, and the call's home (alice's node A) ends it. A short window of its own, apart from
/// <see cref="CrossNodeCallTests"/>, whose resumes need a long one on a loaded machine.
/// </summary>
public sealed class CrossNodeReconnectWindowEndTests : IAsyncLifetime
{
    private ScriptedKurentoServer _media = null!;
    private TwoNodeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _media = await ScriptedTwoNodeTests.StartMediaAsync();
        _cluster = await TwoNodeCluster.StartAsync(() => new One2OneServerFactory { KurentoUri = _media.Uri, ReconnectWindow = TimeSpan.FromSeconds(2) });
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _media.DisposeAsync();
    }

    [Fact]
    public async Task Bob_s_connection_lost_for_good_ends_alice_s_call_as_peer_disconnected_after_the_window()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "alice");
        var bob = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "bob");
        var pipeline = await ScriptedTwoNodeTests.ConnectAsync(_cluster, _media, alice, bob);

        await bob.DisposeAsync();
        await alice.ExpectAsync<PeerReconnecting>();

        (await alice.ExpectAsync<StopCommunication>(TimeSpan.FromSeconds(30))).Reason.Should().Be(Reasons.PeerDisconnected);
        await Eventually.TrueAsync(() => _media.ReleasesOf(pipeline) == 1, "the pipeline is released");
        await using var other = await SignalingClient.ConnectAsync(_cluster.A.HubUri);
        await Eventually.TrueAsync(async () => (await other.RegisterAsync("bob")).Response == Responses.Accepted, "bob's name is free");
    }
}
