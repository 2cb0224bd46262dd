using System.Net;
using Microsoft.Extensions.Options;

namespace One2One.Server.Hosting;

/// <summary>Checks <see cref="TrustedProxyOptions"/> at start-up: every proxy an address, every network a CIDR block.</summary>
internal sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        var failures = new List<string>();
        failures.AddRange(options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _))
            .Select(p => $"ForwardedHeaders:KnownProxies: '{p}' is not an IP address."));
        failures.AddRange(options.KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _))
            .Select(n => $"ForwardedHeaders:KnownNetworks: '{n}' is not a network in CIDR notation (like 10.0.0.0/8)."));
        if (options.ForwardLimit is < 1 or > 10)
        {
            failures.Add("ForwardedHeaders:ForwardLimit must be between 1 and 10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
