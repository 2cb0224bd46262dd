using Microsoft.Extensions.Options;
using One2One.Kurento;

namespace One2One.Server.Media;

/// <summary>
/// What each WebRtcEndpoint is given before it negotiates: the STUN and TURN servers (<see cref="MediaServerIce"/>);
/// the video bitrate cap as KMS's <c>maxVideoRecvBandwidth</c>, which KMS puts in its answer's <c>b=AS</c> and its
/// REMBs, and which the embedded media server honours the same way (on top of its own MediaServer:MaxVideoBitrate);
/// and the same cap, or none, as <c>maxVideoSendBandwidth</c>: KMS otherwise holds the video it passes on to each
/// browser to 500 kbps whatever the cap. The embedded media server keeps that value only to report it (it relays what
/// the sending browser's own estimate allows).
/// </summary>
/// <remarks>Immutable after construction; any thread.</remarks>
internal sealed class EndpointPreparation(MediaServerIce ice, IOptions<VideoBandwidthOptions> bandwidth)
{
    private readonly int _maxVideoRecvKbps = bandwidth.Value.MaxVideoRecvBandwidthKbps;

    /// <summary>Call after the endpoint is created and before it processes an offer or gathers candidates.</summary>
    public async Task ConfigureAsync(WebRtcEndpoint endpoint, CancellationToken cancellationToken)
    {
        await ice.ConfigureAsync(endpoint, cancellationToken).ConfigureAwait(false);
        if (_maxVideoRecvKbps > 0)
        {
            await endpoint.SetMaxVideoRecvBandwidthAsync(_maxVideoRecvKbps, cancellationToken).ConfigureAwait(false);
        }

        // 0: no cap of KMS's own; the receiving browser's estimate decides.
        await endpoint.SetMaxVideoSendBandwidthAsync(_maxVideoRecvKbps, cancellationToken).ConfigureAwait(false);
    }
}
