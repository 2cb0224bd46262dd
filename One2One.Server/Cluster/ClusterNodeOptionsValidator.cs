using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace One2One.Server.Cluster;

/// <summary>
/// Rejects a "Cluster" section the node cannot join with, naming the setting. Run when the host is built (the silo is
/// configured from the section before any service exists), so a bad value stops start-up with this message.
/// </summary>
internal sealed class ClusterNodeOptionsValidator : IValidateOptions<ClusterNodeOptions>
{
    private const string Prefix = ClusterNodeOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, ClusterNodeOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.AdvertisedAddress)
            && (!IPAddress.TryParse(options.AdvertisedAddress, out var advertised) || advertised.Equals(IPAddress.Any) || advertised.Equals(IPAddress.IPv6Any)))
        {
            failures.Add($"{Prefix}AdvertisedAddress must be the IP address other nodes reach this one at (not a host name, not 0.0.0.0), not '{options.AdvertisedAddress}'.");
        }

        if (options.SiloPort is < 0 or > 65535 || options.GatewayPort is < 0 or > 65535)
        {
            failures.Add($"{Prefix}SiloPort and {Prefix}GatewayPort must be within 0..65535, 0 for a free port and no gateway (got {options.SiloPort} and {options.GatewayPort}).");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{Prefix}ClusterId and {Prefix}ServiceId must not be empty.");
        }

        if (options.IsClustered)
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.Redis!);
            }
            catch (ArgumentException ex)
            {
                // Not echoed: the connection string may hold a password.
                failures.Add($"{Prefix}Redis is not a StackExchange.Redis connection string (host:port[,option=value...]): {ex.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> for a section the node cannot join with.</summary>
    public static void ThrowIfInvalid(ClusterNodeOptions options)
    {
        var result = new ClusterNodeOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(ClusterNodeOptions.SectionName, typeof(ClusterNodeOptions), result.Failures);
        }
    }
}
