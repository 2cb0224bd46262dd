namespace One2One.LoadBalancer;

/// <summary>Builds the load balancer: YARP in front of the app nodes in <see cref="LoadBalancerOptions.Nodes"/>.</summary>
public static class LoadBalancerApp
{
    /// <summary>Where it listens when no <c>--urls</c> is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    private static readonly string[] OperatorPaths = ["/metrics", "/readyz", "/healthz"];

    private static readonly (string Category, LogLevel Level)[] AddressWritingCategories =
    [
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None),
        ("Yarp.ReverseProxy.Forwarder", LogLevel.Warning),
        ("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.Warning),
    ];

    private static void SilenceRequestAddresses(LoggerFilterOptions options)
    {
        var providers = options.Rules.Select(rule => rule.ProviderName).Append(null).Distinct().ToList();
        foreach (var provider in providers)
        {
            foreach (var (category, level) in AddressWritingCategories)
            {
                options.Rules.Add(new LoggerFilterRule(provider, category, level, filter: null));
            }
        }
    }

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = new LoadBalancerOptions();
        builder.Configuration.GetSection(LoadBalancerOptions.SectionName).Bind(options);
        if (options.Nodes.Count == 0)
        {
            throw new InvalidOperationException(
                "No app nodes: give each one's base address, e.g. --LoadBalancer:Nodes:0=http://127.0.0.1:5001 --LoadBalancer:Nodes:1=http://127.0.0.1:5002.");
        }

        // A bare number is days to TimeSpan: "2" would probe a node every two days, and a dead node would keep its share.
        if (options.HealthInterval < TimeSpan.FromMilliseconds(100) || options.HealthInterval > TimeSpan.FromMinutes(1)
            || options.HealthTimeout <= TimeSpan.Zero || options.HealthTimeout > TimeSpan.FromMinutes(1))
        {
            throw new InvalidOperationException(
                "LoadBalancer:HealthInterval must be between 00:00:00.100 and 00:01:00, and LoadBalancer:HealthTimeout positive and at most 00:01:00 (hh:mm:ss; a bare number means days).");
        }

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Browsers send their sign-in token in the hub's query string (access_token), and both the host's request lines and
        // YARP's "Proxying to" write the whole address: neither is logged, whatever level the operator turns on. A rule for
        // a named provider (Logging:Console:LogLevel:Default) beats one for all providers, and a longer category beats a
        // shorter one, so after the configuration's rules these go in for every provider named there and for all, last.
        builder.Services.PostConfigure<LoggerFilterOptions>(SilenceRequestAddresses);
        builder.Services.AddReverseProxy().LoadFromMemory(NodeRouting.Routes(), NodeRouting.Clusters(options));
        var app = builder.Build();

        // A node's metrics, readiness and liveness are for its operator and orchestrator, asked of each node directly (the
        // balancer's own health checks do): not served to the internet through it (the catch-all route would). Literal
        // routes win over the catch-all.
        foreach (var path in OperatorPaths)
        {
            app.Map(path, () => Results.NotFound());
        }

        app.MapReverseProxy();
        return app;
    }
}
