using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using One2One.MediaServer;

namespace One2One.Tests.Support;

/// <summary>
/// The standalone media server program (<see cref="MediaServerProgram"/>) in the test's process, on loopback. Its media
/// ports default to fixed numbers (documented for firewalls); a test takes free ones, since a fixed port inside the
/// ephemeral range can be held by any other socket of the suite at that moment.
/// </summary>
internal sealed class StandaloneMediaServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandaloneMediaServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Its HTTP address (<c>/healthz</c>, <c>/metrics</c>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Its Kurento protocol endpoint, as <c>Kurento:Uri</c> takes it.</summary>
    public Uri KurentoUri => new($"ws://{BaseAddress.Authority}/kurento");

    /// <summary>The program's services (its logger factory, its options).</summary>
    public IServiceProvider Services => _app.Services;

    /// <param name="settings">More command-line settings (<c>--key=value</c>), after the test's own.</param>
    public static Task<StandaloneMediaServer> StartAsync(params string[] settings) => StartAsync(null, settings);

    /// <param name="logs">A provider that gets every line the program lets through its own filters.</param>
    /// <param name="settings">More command-line settings (<c>--key=value</c>), after the test's own.</param>
    public static async Task<StandaloneMediaServer> StartAsync(ILoggerProvider? logs, params string[] settings)
    {
        var app = MediaServerProgram.Build(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--MediaServer:UdpPort=0", "--MediaServer:TcpPort=0", .. settings],
            logs is null ? null : logging => logging.AddProvider(logs));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StandaloneMediaServer(app, new Uri(address + "/"));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
