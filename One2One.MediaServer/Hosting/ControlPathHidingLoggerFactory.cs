using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace One2One.MediaServer.Hosting;

/// <summary>
/// The co-hosting application's loggers for the embedded media server, without ASP.NET Core's own: they write the
/// control path, which holds its secret ("Request starting … /&lt;secret&gt;/kurento", "Executing endpoint
/// '/&lt;secret&gt;/kurento'"), and open a request scope whose RequestPath every line logged while serving the control
/// socket would carry, DTLS and relay lines included. The media server's own categories log as configured.
/// </summary>
internal sealed class ControlPathHidingLoggerFactory(ILoggerFactory application) : ILoggerFactory
{
    // ASP.NET Core opens the request scope only when its hosting category is enabled; a null logger never is.
    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) ? NullLogger.Instance : application.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => application.AddProvider(provider);

    /// <summary>The application owns its logger factory.</summary>
    public void Dispose()
    {
    }
}
