using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Server.Ice;

namespace One2One.Server.Media;

/// <summary>
/// The STUN and TURN servers each WebRtcEndpoint is given (<c>Kurento:StunServer</c>, <c>Kurento:TurnUrl</c>), for a
/// media server that is itself behind NAT, as a KMS often is. A TURN URL without credentials gets one minted per
/// endpoint from <c>Turn:SharedSecret</c>. Nothing configured: no request at all. The embedded media server is
/// ICE-lite on a reachable address and needs neither, but takes the same requests, as KMS does.
/// </summary>
/// <remarks>Immutable after construction; any thread.</remarks>
internal sealed class MediaServerIce
{
    /// <summary>The name in the TURN user names minted for the media server (<c>&lt;expiry&gt;:media-server</c>).</summary>
    public const string CredentialName = "media-server";

    private readonly KurentoStunServer? _stun;
    private readonly KurentoTurnUrl? _turn;
    private readonly IceServerIssuer _issuer;

    public MediaServerIce(IOptions<KurentoOptions> options, IceServerIssuer issuer, ILogger<MediaServerIce> logger)
    {
        _issuer = issuer;
        _stun = KurentoStunServer.TryParse(options.Value.StunServer, out var stun) ? stun : null;
        _turn = KurentoTurnUrl.TryParse(options.Value.TurnUrl, out var turn) ? turn : null;
        if (_stun is not null || _turn is not null)
        {
            IceLog.MediaServerConfigured(logger, _stun is null ? "none" : $"{_stun.Address}:{_stun.Port}", _turn?.ToString() ?? "none");
        }
    }

    /// <summary>Gives <paramref name="endpoint"/> the configured servers; call before it gathers candidates.</summary>
    public async Task ConfigureAsync(WebRtcEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (_stun is not null)
        {
            await endpoint.SetStunServerAddressAsync(_stun.Address, cancellationToken).ConfigureAwait(false);
            await endpoint.SetStunServerPortAsync(_stun.Port, cancellationToken).ConfigureAwait(false);
        }

        if (_turn is not null)
        {
            string url;
            if (_turn.HasCredentials)
            {
                url = _turn.ToWire();
            }
            else
            {
                var credential = _issuer.Mint(CredentialName);
                url = _turn.ToWire(credential.Username, credential.Credential);
            }

            await endpoint.SetTurnUrlAsync(url, cancellationToken).ConfigureAwait(false);
        }
    }
}
