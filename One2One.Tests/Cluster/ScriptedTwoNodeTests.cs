using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Tests.Calls;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// Two nodes over a real Redis sharing one scripted media server (an answer per side, one offer per endpoint), with an
/// Orleans call filter on each node that can delay, hold or fail what one node asks of the other (<see cref="Deliveries"/>).
/// The base of the cross-node call tests; each class its own cluster.
/// </summary>
/// <param name="deliveryRetryDelays">How long a failed delivery to the other node waits before each new attempt.</param>
public abstract class ScriptedTwoNodeTests(params TimeSpan[] deliveryRetryDelays) : IAsyncLifetime
{
    private protected SlowDeliveries Deliveries { get; } = new();

    private protected ScriptedKurentoServer Media { get; private set; } = null!;

    private protected TwoNodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Media = await StartMediaAsync();
        Cluster = await TwoNodeCluster.StartAsync(() => new One2OneServerFactory
        {
            KurentoUri = Media.Uri,
            // Long enough for any resume on a loaded machine (a 2 s window was missed under a GC pause); the window's end
            // across nodes is CrossNodeReconnectWindowEndTests'.
            ReconnectWindow = TimeSpan.FromSeconds(30),
            ConfigureServices = services => services
                .AddSingleton<IOutgoingGrainCallFilter>(Deliveries)
                .Configure<CallOptions>(options => options.DeliveryRetryDelays = deliveryRetryDelays),
        });
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Media.DisposeAsync();
    }

    /// <summary>The scripted media server these tests share: an answer per side, one offer per endpoint.</summary>
    internal static async Task<ScriptedKurentoServer> StartMediaAsync()
    {
        var media = await ScriptedKurentoServer.StartAsync();
        media.SdpAnswer = offer => offer.Contains("s=caller", StringComparison.Ordinal) ? "answer-for-caller" : "answer-for-callee";
        media.OneOfferPerEndpoint = true;
        return media;
    }

    /// <summary>Alice (on A) calls bob and he accepts; returns the pipeline once the call is in progress.</summary>
    internal static async Task<string> ConnectAsync(TwoNodeCluster cluster, ScriptedKurentoServer media, SignalingClient alice, SignalingClient bob)
    {
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();
        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        await bob.ExpectAsync<StartCommunication>();
        await alice.ExpectAsync<CallResponse>();
        await Eventually.TrueAsync(() => Users(cluster.A).FindByName("alice")?.CurrentCall?.State == CallState.InCall, "the call is set up");
        return (await media.EndpointOfAsync(ScriptedCall.CalleeOffer)).Split('/')[0];
    }

    /// <summary>Alice (on A) calls bob (on B); returns once his page rings.</summary>
    private protected static async Task RingAsync(SignalingClient alice, SignalingClient bob)
    {
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();
    }

    private protected static UserRegistry Users(One2OneServerFactory node) => node.Services.GetRequiredService<UserRegistry>();

    private protected Task<string> ConnectAsync(SignalingClient alice, SignalingClient bob) => ConnectAsync(Cluster, Media, alice, bob);
}
