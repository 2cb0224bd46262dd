namespace One2One.Server.Hosting;

/// <summary>
/// Reverse proxies or load balancers trusted to say who the client is, bound from the "ForwardedHeaders" section and
/// checked by <see cref="TrustedProxyOptionsValidator"/>. Empty (the default): no proxy is trusted, X-Forwarded-For
/// is ignored and a client is the address it connects from.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. "10.0.0.5".</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. "10.0.0.0/8".</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies are in front of us: how many X-Forwarded-For entries, from the right, to unwind.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}
