using System.Security.Claims;
using Microsoft.Extensions.Options;
using One2One.Server.Calls;
using One2One.Server.Signaling;

namespace One2One.Server.Auth;

/// <summary>Which name a connection may register: any free one without authentication; with it, only the name its token carries.</summary>
internal sealed class RegistrationNames(IOptions<AuthOptions> options)
{
    /// <summary>The rejection when <paramref name="user"/> may not register <paramref name="rawName"/>; null when it may (or
    /// when the name is invalid anyway, which registration itself reports).</summary>
    public RegisterResponse? Refusal(ClaimsPrincipal? user, string? rawName)
    {
        var settings = options.Value;
        if (settings.Mode != AuthMode.Jwt || !UserName.TryNormalize(rawName, out var name, out _))
        {
            return null;
        }

        if (user?.FindFirst(settings.NameClaim)?.Value is not { } claimed || !UserName.TryNormalize(claimed, out var allowed, out _))
        {
            return new RegisterResponse(Responses.Rejected, $"Your sign-in token carries no usable name (claim '{settings.NameClaim}'), so it allows no name.", Reasons.NameNotAllowed);
        }

        return UserName.Comparer.Equals(allowed, name)
            ? null
            : new RegisterResponse(Responses.Rejected, $"You are signed in as {allowed}: that is the only name you may register.", Reasons.NameNotAllowed);
    }
}
