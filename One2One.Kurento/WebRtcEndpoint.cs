using System.Text.Json.Nodes;
using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>
/// A Kurento WebRtcEndpoint. Order that works with every Kurento version (events.rst): subscribe to the ICE
/// events, then <see cref="ProcessOfferAsync"/>, then <see cref="GatherCandidatesAsync"/>.
/// </summary>
public sealed class WebRtcEndpoint : MediaElement
{
    private readonly MediaPipeline? _pipeline;

    internal WebRtcEndpoint(IKurentoRpc rpc, string id, MediaPipeline? pipeline = null) : base(rpc, id)
    {
        _pipeline = pipeline;
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

    /// <summary>
    /// The ICE state of each of the endpoint's components now (<c>IceConnectionState</c>): what the
    /// <see cref="IceComponentStateChanged"/> events have said, for a client that may have missed some (its connection to
    /// the media server dropped meanwhile).
    /// </summary>
    public async Task<IReadOnlyList<IceConnection>> GetIceConnectionStateAsync(CancellationToken cancellationToken = default) =>
        KurentoReply.GetIceConnections(await InvokeAsync("getIceConnectionState", null, cancellationToken), "invoke getIceConnectionState");

    // The endpoint's STUN and TURN servers (properties of elements.WebRtcEndpoint.kmd.json, set and read with invoke
    // setXxx/getXxx and {"xxx": value}). Set them before gatherCandidates: KMS hands them to the ICE agent then.

    /// <summary>Sets <c>stunServerAddress</c>: an IPv4 address (KMS takes no host names).</summary>
    public Task SetStunServerAddressAsync(string address, CancellationToken cancellationToken = default) =>
        SetPropertyAsync("setStunServerAddress", "stunServerAddress", JsonValue.Create(address), cancellationToken);

    public Task SetStunServerPortAsync(int port, CancellationToken cancellationToken = default) =>
        SetPropertyAsync("setStunServerPort", "stunServerPort", JsonValue.Create(port), cancellationToken);

    /// <summary>Sets <c>turnUrl</c>, <c>user:password@address:port[?transport=udp|tcp|tls]</c> (see <see cref="KurentoTurnUrl"/>).</summary>
    public Task SetTurnUrlAsync(string turnUrl, CancellationToken cancellationToken = default) =>
        SetPropertyAsync("setTurnUrl", "turnUrl", JsonValue.Create(turnUrl), cancellationToken);

    public async Task<string> GetStunServerAddressAsync(CancellationToken cancellationToken = default) =>
        KurentoReply.GetString(await InvokeAsync("getStunServerAddress", null, cancellationToken), "invoke getStunServerAddress");

    public async Task<int> GetStunServerPortAsync(CancellationToken cancellationToken = default) =>
        KurentoReply.GetInt32(await InvokeAsync("getStunServerPort", null, cancellationToken), "invoke getStunServerPort");

    public async Task<string> GetTurnUrlAsync(CancellationToken cancellationToken = default) =>
        KurentoReply.GetString(await InvokeAsync("getTurnUrl", null, cancellationToken), "invoke getTurnUrl");

    /// <summary>
    /// Sets <c>maxVideoRecvBandwidth</c> (SdpEndpoint), in kbps, 0 for none: the video bitrate the browser is asked to
    /// send under, in the answer's <c>b=AS</c> and the REMBs sent to it. Set it before <see cref="ProcessOfferAsync"/>.
    /// </summary>
    public Task SetMaxVideoRecvBandwidthAsync(int kilobitsPerSecond, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kilobitsPerSecond);
        return SetPropertyAsync("setMaxVideoRecvBandwidth", "maxVideoRecvBandwidth", JsonValue.Create(kilobitsPerSecond), cancellationToken);
    }

    /// <summary>
    /// Sets <c>maxVideoSendBandwidth</c> (BaseRtpEndpoint), in kbps, 0 for none: the most video this endpoint lets flow to
    /// its browser, which KMS enforces through the bandwidth estimates it passes back to the sending side. KMS's default,
    /// 500 kbps, caps every call's video far below what a camera and a network give.
    /// </summary>
    public Task SetMaxVideoSendBandwidthAsync(int kilobitsPerSecond, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kilobitsPerSecond);
        return SetPropertyAsync("setMaxVideoSendBandwidth", "maxVideoSendBandwidth", JsonValue.Create(kilobitsPerSecond), cancellationToken);
    }

    public async Task<int> GetMaxVideoSendBandwidthAsync(CancellationToken cancellationToken = default) =>
        KurentoReply.GetInt32(await InvokeAsync("getMaxVideoSendBandwidth", null, cancellationToken), "invoke getMaxVideoSendBandwidth");

    public async Task<int> GetMaxVideoRecvBandwidthAsync(CancellationToken cancellationToken = default) =>
        KurentoReply.GetInt32(await InvokeAsync("getMaxVideoRecvBandwidth", null, cancellationToken), "invoke getMaxVideoRecvBandwidth");

    private Task SetPropertyAsync(string operation, string property, JsonNode? value, CancellationToken cancellationToken) =>
        InvokeAsync(operation, new JsonObject { [property] = value }, cancellationToken);

    private protected override void OnReleased() => _pipeline?.ForgetChild(Id);
}
