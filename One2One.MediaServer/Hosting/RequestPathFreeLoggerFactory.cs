using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace One2One.MediaServer.Hosting;

/// <summary>
/// The embedded media server's logging: the co-hosted application's loggers, less the framework categories that write a
/// request's path. That path holds the control token, and ASP.NET Core's hosting diagnostics would log it with each
/// request and also open a <c>RequestPath</c> scope that every line logged during the control connection carries;
/// routing logs the path and the endpoint's pattern. Nothing else the server logs depends on these categories.
/// </summary>
internal sealed class RequestPathFreeLoggerFactory(ILoggerFactory host) : ILoggerFactory
{
    /// <summary>Categories (and their sub-categories) that write the request path.</summary>
    internal static readonly string[] PathLoggingCategories = ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing"];

    public ILogger CreateLogger(string categoryName) => WritesRequestPath(categoryName) ? NullLogger.Instance : host.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => host.AddProvider(provider);

    /// <summary>The host's factory belongs to the host.</summary>
    public void Dispose()
    {
    }

    private static bool WritesRequestPath(string category)
    {
        foreach (var prefix in PathLoggingCategories)
        {
            if (category.StartsWith(prefix, StringComparison.Ordinal) && (category.Length == prefix.Length || category[prefix.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }
}
