using Microsoft.Extensions.Options;
using One2One.Server.Contracts;

namespace One2One.Server.Ice;

/// <summary>
/// Gives each registered person the STUN and TURN servers their page builds its RTCPeerConnection from, with a TURN
/// credential minted for them (<see cref="TurnCredential"/>) that expires after <see cref="TurnOptions.CredentialLifetime"/>.
/// </summary>
/// <remarks>Immutable after construction; any thread.</remarks>
internal sealed class IceServerIssuer
{
    private readonly IceOptions _options;
    private readonly TimeProvider _time;
    private readonly IceServer[] _stunServers;
    private readonly string _transportPolicy;

    public IceServerIssuer(IOptions<IceOptions> options, TimeProvider time, ILogger<IceServerIssuer> logger)
    {
        _options = options.Value;
        _time = time;
        _stunServers = _options.StunUrls.Length > 0 ? [new IceServer(_options.StunUrls)] : [];
        _transportPolicy = _options.TransportPolicy == IceTransportPolicy.Relay ? IceTransportPolicies.Relay : IceTransportPolicies.All;
        if (_options.StunUrls.Length > 0 || _options.Turn.Urls.Length > 0)
        {
            IceLog.Configured(logger, string.Join(' ', [.. _options.StunUrls, .. _options.Turn.Urls]), _transportPolicy, _options.Turn.CredentialLifetime);
        }
    }

    /// <summary>True when TURN servers are configured (and so a shared secret to mint credentials with).</summary>
    public bool HasTurn => _options.Turn.Urls.Length > 0;

    /// <summary>The ICE configuration for the person registered as <paramref name="name"/>, with a fresh TURN credential.</summary>
    public IceConfiguration For(string name)
    {
        if (!HasTurn)
        {
            return new IceConfiguration(_stunServers, _transportPolicy);
        }

        var credential = Mint(name);
        IceServer turn = new(_options.Turn.Urls, credential.Username, credential.Credential);
        return new IceConfiguration([.. _stunServers, turn], _transportPolicy);
    }

    /// <summary>A credential for <paramref name="name"/>, valid from now for the configured lifetime.</summary>
    public TurnCredential Mint(string name)
    {
        var secret = _options.Turn.SharedSecret;
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("Turn:SharedSecret is not set: no TURN credential can be minted.");
        }

        return TurnCredential.Mint(secret, name, _time.GetUtcNow() + _options.Turn.CredentialLifetime);
    }
}
