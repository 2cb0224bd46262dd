using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Hosting;

namespace One2One.Tests.MediaServer.Support;

/// <summary>A real media server (Kestrel on 127.0.0.1) with the stand-in media machinery and optionally a fake clock.</summary>
internal sealed class KurentoTestServer : IAsyncDisposable
{
    private readonly EmbeddedMediaServer _server;

    private KurentoTestServer(EmbeddedMediaServer server, StandInWebRtcSessionFactory media, FakeTimeProvider? clock)
    {
        _server = server;
        Media = media;
        Clock = clock;
    }

    public StandInWebRtcSessionFactory Media { get; }

    public FakeTimeProvider? Clock { get; }

    public Uri Uri => _server.ControlUri;

    public EmbeddedMediaServer Server => _server;

    public MediaServerDiagnostics Diagnostics => _server.Diagnostics;

    /// <param name="realMedia">Run the real WebRTC machinery instead of the stand-in (for tests that need real answers and candidates).</param>
    public static async Task<KurentoTestServer> StartAsync(IDictionary<string, string?>? settings = null, bool fakeClock = false, bool realMedia = false)
    {
        var media = new StandInWebRtcSessionFactory();
        var clock = fakeClock ? new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)) : null;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var server = new EmbeddedMediaServer(configuration)
        {
            ConfigureServices = services =>
            {
                if (!realMedia)
                {
                    services.AddSingleton<IWebRtcSessionFactory>(media);
                }
                if (clock is not null)
                {
                    services.AddSingleton<TimeProvider>(clock);
                }
            },
        };
        await server.StartAsync(CancellationToken.None);
        return new KurentoTestServer(server, media, clock);
    }

    public Task<KurentoTestClient> ConnectAsync() => KurentoTestClient.ConnectAsync(Uri);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds: releases after a collection run asynchronously.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string because)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                condition().Should().BeTrue(because);
                return;
            }

            await Task.Delay(10);
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
