using System.Text.Json.Nodes;
using One2One.Server.Kurento.Internal;

namespace One2One.Server.Kurento;

/// <summary>
/// A Kurento WebRtcEndpoint. Order that works with every Kurento version (events.rst): subscribe to the ICE
/// events, then <see cref="ProcessOfferAsync"/>, then <see cref="GatherCandidatesAsync"/>.
/// </summary>
public sealed class WebRtcEndpoint : MediaElement
{
    internal WebRtcEndpoint(IKurentoRpc rpc, string id) : base(rpc, id)
    {
    }

    /// <summary>Processes the browser's SDP offer and returns the media server's SDP answer.</summary>
    public async Task<string> ProcessOfferAsync(string offer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var result = await InvokeAsync("processOffer", new JsonObject { ["offer"] = offer }, cancellationToken);
        return KurentoReply.GetString(result, "invoke processOffer");
    }

    /// <summary>Starts ICE gathering; candidates arrive as <see cref="IceCandidateFound"/> events.</summary>
    public Task GatherCandidatesAsync(CancellationToken cancellationToken = default) =>
        InvokeAsync("gatherCandidates", operationParams: null, cancellationToken);

    /// <summary>Adds one of the browser's ICE candidates.</summary>
    public Task AddIceCandidateAsync(KurentoIceCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var wireCandidate = new JsonObject
        {
            ["__module__"] = "kurento",
            ["__type__"] = "IceCandidate",
            ["candidate"] = candidate.Candidate,
            ["sdpMid"] = candidate.SdpMid,
            ["sdpMLineIndex"] = candidate.SdpMLineIndex,
        };
        return InvokeAsync("addIceCandidate", new JsonObject { ["candidate"] = wireCandidate }, cancellationToken);
    }
}
