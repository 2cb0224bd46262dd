using System.Security.Claims;
using Microsoft.Extensions.Options;
using One2One.Server.Calls;

namespace One2One.Server.Auth;

/// <summary>Which name a connection may register: any free one without authentication; with it, only the name its token carries.</summary>
internal sealed class RegistrationNames(IOptions<AuthOptions> options)
{
    /// <summary>Why <paramref name="user"/> may not register <paramref name="rawName"/> (a message for the person, sent with
    /// reason <c>name-not-allowed</c>); null when it may, or when the name is invalid anyway, which registration itself reports.</summary>
    public string? Refusal(ClaimsPrincipal? user, string? rawName)
    {
        var settings = options.Value;
        if (settings.Mode != AuthMode.Jwt || !UserName.TryNormalize(rawName, out var name, out _))
        {
            return null;
        }

        if (user?.FindFirst(settings.EffectiveNameClaim)?.Value is not { } claimed || !UserName.TryNormalize(claimed, out var allowed, out _))
        {
            return $"Your sign-in token carries no usable name (claim '{settings.EffectiveNameClaim}'), so it allows no name.";
        }

        return UserName.Comparer.Equals(allowed, name)
            ? null
            : $"You are signed in as {allowed}: that is the only name you may register.";
    }
}
