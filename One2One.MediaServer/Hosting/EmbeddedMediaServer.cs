using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using One2One.MediaServer.Observability;
using One2One.MediaServer.Relay;

namespace One2One.MediaServer.Hosting;

/// <summary>
/// The media server in-process, on its own Kestrel bound to 127.0.0.1 on an ephemeral port: only a control socket
/// for the co-hosted application, which reaches it at <see cref="ControlUri"/>. Usable as an <see cref="IHostedService"/>.
/// The path holds a random token drawn at each start, so only the process that holds this object can reach the
/// protocol; any other local process or page finds 404 on every path it can guess.
/// </summary>
public sealed class EmbeddedMediaServer : IHostedService, IAsyncDisposable
{
    private readonly IConfiguration? _configuration;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly IMeterFactory? _meterFactory;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private WebApplication? _app;
    private Uri? _controlUri;
    private int _disposed;

    /// <param name="configuration">Read for the <c>MediaServer</c> section only; none = defaults.</param>
    /// <param name="loggerFactory">Where the media server logs; none = the host's default console logging.</param>
    /// <param name="meterFactory">Makes the media server's meter (<c>One2One.MediaServer</c>), so that it is part of the
    /// co-hosting application's metrics; none = the media server's own container (whose metrics nobody exports).</param>
    public EmbeddedMediaServer(IConfiguration? configuration = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        _configuration = configuration;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
    }

    /// <summary>ws://127.0.0.1:&lt;port&gt;/&lt;32 hex digits&gt;/kurento, once started; the hex digits are a secret.</summary>
    public Uri ControlUri => _controlUri ?? throw new InvalidOperationException("The embedded media server is not started.");

    /// <summary>Applied after the media server's own registrations (tests swap the media machinery or the clock here).</summary>
    internal Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>The media server's container, once started (tests).</summary>
    internal IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The embedded media server is not started.");

    internal MediaServerDiagnostics Diagnostics => Services.GetRequiredService<MediaServerDiagnostics>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is not null)
            {
                return;
            }

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(EmbeddedMediaServer).Assembly.GetName().Name });
            if (_configuration is not null)
            {
                // Only our section: the host's Kestrel endpoints or urls must not leak into this control listener.
                builder.Configuration.AddInMemoryCollection(_configuration.GetSection(MediaServerOptions.SectionName).AsEnumerable());
            }

            builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
            // The control path is a secret: no log line or scope may carry it (see RequestPathFreeLoggerFactory).
            if (_loggerFactory is not null)
            {
                builder.Logging.ClearProviders();
                builder.Services.AddSingleton<ILoggerFactory>(new RequestPathFreeLoggerFactory(_loggerFactory));
            }
            else
            {
                foreach (var category in RequestPathFreeLoggerFactory.PathLoggingCategories)
                {
                    builder.Services.KeepQuiet(category, LogLevel.None);
                }
            }

            if (_meterFactory is { } meters)
            {
                builder.Services.AddSingleton(services => new MediaServerMetrics(meters, services.GetRequiredService<MediaTotals>()));
            }

            // The co-hosted application owns the process' lifetime: it says "started", and it alone hears SIGTERM and
            // Ctrl+C. A console lifetime here would stop this server's control connections on the same signal, while the
            // application still releases its calls through them (a stop logged as a lost media server).
            builder.Services.AddSingleton<IHostLifetime, CoHostedLifetime>();

            KurentoHost.ConfigureServices(builder.Services);
            ConfigureServices?.Invoke(builder.Services);
            var app = builder.Build();
            var path = $"/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}/kurento";
            KurentoHost.ConfigurePipeline(app, path);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            _controlUri = new Uri($"ws://127.0.0.1:{port}{path}");
            _app = app;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is null)
            {
                return;
            }

            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
            _controlUri = null;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the server; safe to call more than once (a container may dispose it under several registrations).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The lifetime of a host started and stopped by another: it waits for nothing and listens to no signal.</summary>
    private sealed class CoHostedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
