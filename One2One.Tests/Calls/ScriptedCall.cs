using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// A call between two signaling clients through the real server, whose media server is the scripted
/// Kurento stand-in: for media-server faults and timings that a real media server cannot be made to produce
/// on demand (an Error event, an ICE failure, a restart, a reply held back).
/// </summary>
internal sealed class ScriptedCall : IAsyncDisposable
{
    public const string CallerOffer = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=caller\r\n";
    public const string CalleeOffer = "v=0\r\no=- 2 2 IN IP4 0.0.0.0\r\ns=callee\r\n";

    private ScriptedCall(ScriptedKurentoServer media, IScenarioNodes nodes, SignalingClient alice, SignalingClient bob)
    {
        Media = media;
        Nodes = nodes;
        Alice = alice;
        Bob = bob;
    }

    public ScriptedKurentoServer Media { get; }

    /// <summary>Where each person connects: one server, or two nodes of a cluster (see <see cref="StartAsync{TLayout}"/>).</summary>
    public IScenarioNodes Nodes { get; }

    /// <summary>The server the call lives on: the caller's.</summary>
    public One2OneServerFactory Server => Nodes.NodeOf("alice");

    public SignalingClient Alice { get; }

    public SignalingClient Bob { get; }

    /// <summary>Alice and bob registered on one server (made by <paramref name="createServer"/>, by default one driving the scripted media server).</summary>
    public static Task<ScriptedCall> StartAsync(Func<ScriptedKurentoServer, One2OneServerFactory>? createServer = null) =>
        StartAsync<OneNode>(createServer);

    /// <summary>Alice and bob registered on the nodes <typeparamref name="TLayout"/> lays out, each made by <paramref name="createServer"/>.</summary>
    public static async Task<ScriptedCall> StartAsync<TLayout>(Func<ScriptedKurentoServer, One2OneServerFactory>? createServer = null)
        where TLayout : INodeLayout
    {
        var media = await ScriptedKurentoServer.StartAsync();
        media.SdpAnswer = offer => offer.Contains("s=caller", StringComparison.Ordinal) ? "answer-for-caller" : "answer-for-callee";
        media.OneOfferPerEndpoint = true;
        var nodes = await TLayout.StartAsync(() => createServer?.Invoke(media) ?? new One2OneServerFactory { KurentoUri = media.Uri });
        var alice = await SignalingClient.RegisteredAsync(nodes.NodeOf("alice").HubUri, "alice");
        var bob = await SignalingClient.RegisteredAsync(nodes.NodeOf("bob").HubUri, "bob");
        return new ScriptedCall(media, nodes, alice, bob);
    }

    /// <summary>Alice calls Bob and Bob accepts; returns once both have their answers.</summary>
    public async Task ConnectAsync()
    {
        await RingAsync();
        await Bob.AcceptAsync("alice", CalleeOffer);
        (await Bob.ExpectAsync<StartCommunication>()).SdpAnswer.Should().Be("answer-for-callee");
        var accepted = await Alice.ExpectAsync<CallResponse>();
        accepted.Should().Be(new CallResponse(Responses.Accepted, "answer-for-caller"));

        // The caller's answer goes out before its gatherCandidates completes: wait until the set-up has finished,
        // so a fault a test injects next hits a call that is in progress, not one still being set up.
        var users = Server.Services.GetRequiredService<UserRegistry>();
        await Eventually.TrueAsync(() => users.FindByName("alice")?.CurrentCall?.State == CallState.InCall, "the call is set up");
    }

    public async Task RingAsync()
    {
        await Alice.CallAsync("bob", CallerOffer);
        (await Bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice");
    }

    /// <summary>Alice calls Bob with the first endpoint's creation held back: the call is being placed, its media half reserved.</summary>
    public async Task<IReadOnlyList<HeldRequest>> PlaceHoldingAnEndpointAsync()
    {
        Media.When(r => r.Method == "create" && r.Type == "WebRtcEndpoint", ScriptedReply.Hold, times: 1);
        await Alice.CallAsync("bob", CallerOffer);
        return await Media.WaitForHeldAsync(1);
    }

    /// <summary>The endpoint that answered <paramref name="offer"/> (not one that refused it as already negotiated).</summary>
    public Task<string> EndpointOfAsync(string offer) => Media.EndpointOfAsync(offer);

    public async Task<string> PipelineIdAsync() =>
        (await Media.WaitForRequestAsync(r => r.IsInvoke("processOffer"))).Param("object")!.Split('/')[0];

    public int ReleasesOf(string objectId) => Media.ReleasesOf(objectId);

    public Task<IReadOnlyList<string>> PipelinesAsync() => Media.PipelinesAsync();

    public Task PushCandidateAsync(string endpoint, string candidate) => Media.PushCandidateAsync(endpoint, candidate);

    /// <summary>The pipeline an endpoint's <c>create</c> names.</summary>
    public static string PipelineOf(ReceivedRequest endpointCreate) =>
        endpointCreate.Params!["constructorParams"]!["mediaPipeline"]!.GetValue<string>();

    public static string? OfferOf(ReceivedRequest request) => request.Params?["operationParams"]?["offer"]?.GetValue<string>();

    public static string? CandidateOf(ReceivedRequest request) =>
        request.Params?["operationParams"]?["candidate"]?["candidate"]?.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        await Alice.DisposeAsync();
        await Bob.DisposeAsync();
        await Nodes.DisposeAsync();
        await Media.DisposeAsync();
    }
}

/// <summary>What a call's tests ask of the scripted media server, whichever app nodes drive it.</summary>
internal static class ScriptedCallMedia
{
    /// <summary>The endpoint that answered <paramref name="offer"/> (not one that refused it as already negotiated).</summary>
    public static async Task<string> EndpointOfAsync(this ScriptedKurentoServer media, string offer) =>
        (await media.WaitForRequestAsync(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == offer && !media.WasRefused(r))).Param("object")!;

    public static int ReleasesOf(this ScriptedKurentoServer media, string objectId) =>
        media.RequestsOf("release").Count(r => r.Param("object") == objectId);

    public static async Task<IReadOnlyList<string>> PipelinesAsync(this ScriptedKurentoServer media)
    {
        await using var client = KurentoTestClient.Create(media);
        return await client.GetPipelineIdsAsync();
    }

    /// <summary>The media server finds <paramref name="candidate"/> for <paramref name="endpoint"/> (an IceCandidateFound event).</summary>
    public static Task PushCandidateAsync(this ScriptedKurentoServer media, string endpoint, string candidate) =>
        media.PushEventAsync(endpoint, "IceCandidateFound", new JsonObject
        {
            ["candidate"] = new JsonObject
            {
                ["__module__"] = "kurento",
                ["__type__"] = "IceCandidate",
                ["candidate"] = candidate,
                ["sdpMid"] = "0",
                ["sdpMLineIndex"] = 0,
            },
        });
}
