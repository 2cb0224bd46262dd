using Microsoft.Extensions.Options;
using One2One.Kurento;

namespace One2One.Server.Ice;

/// <summary>A <c>Kurento:TurnUrl</c> without credentials needs <c>Turn:SharedSecret</c> to mint them from.</summary>
internal sealed class MediaServerIceValidator(IOptions<IceOptions> ice) : IValidateOptions<KurentoOptions>
{
    public ValidateOptionsResult Validate(string? name, KurentoOptions options) =>
        KurentoTurnUrl.TryParse(options.TurnUrl, out var turn) && !turn.HasCredentials && string.IsNullOrEmpty(ice.Value.Turn.SharedSecret)
            ? ValidateOptionsResult.Fail("Kurento:TurnUrl has no user:password@, so its credentials are minted from Turn:SharedSecret, which is not set.")
            : ValidateOptionsResult.Success;
}
