using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Calls;
using One2One.Server.Limits;
using One2One.Tests.MediaServer.Relay.Support;

namespace One2One.Tests.Support;

/// <summary>
/// The real One2One server on Kestrel at 127.0.0.1 (a free port), for tests that talk to it over real sockets.
/// By default it runs its embedded media server; <see cref="KurentoUri"/> points it at another one.
/// <see cref="CallClock"/> replaces only the clock behind ringing and set-up timeouts.
/// </summary>
public sealed class One2OneServerFactory : WebApplicationFactory<Program>
{
    /// <summary>Per-address and rate limits far above what any test reaches (see <see cref="ShippedLimits"/>).</summary>
    private static readonly (string Limit, int Value)[] RelaxedLimits =
    [
        ("RegisterPerConnectionPerMinute", 100_000), ("RegisterPerAddressPerMinute", 100_000),
        ("CallAttemptsPerConnectionPerMinute", 100_000), ("CallAttemptsPerAddressPerMinute", 100_000),
        ("CandidatesPerConnectionPerMinute", 100_000), ("CandidatesPerAddressPerMinute", 100_000),
        ("RingsPerPairPerMinute", 1_000), ("RegistrationsPerAddress", 100_000), ("CallsPerAddress", 100_000),
        ("ConnectionsPerAddress", 100_000), ("ConnectionAttemptsPerAddressPerMinute", 1_000_000),
    ];

    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);

    private readonly bool _inMemory;

    public One2OneServerFactory()
        : this(inMemory: false)
    {
    }

    private One2OneServerFactory(bool inMemory)
    {
        _inMemory = inMemory;
        if (!inMemory)
        {
            UseKestrel();
        }
    }

    /// <summary>
    /// The server on ASP.NET Core's in-memory TestServer instead of Kestrel, for hub tests that need no real socket to
    /// the hub (the media server still runs, on its own real sockets): clients connect with
    /// <see cref="SignalingClient.ConnectAsync(One2OneServerFactory, string?)"/>. Clients have no address here.
    /// </summary>
    public static One2OneServerFactory InMemory() => new(inMemory: true);

    /// <summary>For an in-memory server, how a client opens a WebSocket to it; null for a server on Kestrel.</summary>
    public Func<Uri, CancellationToken, Task<System.Net.WebSockets.WebSocket>>? InMemoryWebSocket =>
        _inMemory ? (uri, token) => Server.CreateWebSocketClient().ConnectAsync(uri, token) : null;

    /// <summary>A Kurento-protocol server to use instead of the embedded one.</summary>
    public Uri? KurentoUri { get; init; }

    /// <summary>A fake clock for call timeouts (ringing, media set-up).</summary>
    public FakeTimeProvider? CallClock { get; init; }

    public TimeSpan? RingingTimeout { get; init; }

    /// <summary>
    /// Run with the shipped rate and per-address limits. Off by default: every test client comes from 127.0.0.1, and a
    /// server shared by a test class sees more names and calls from it than one address may hold, so other tests run
    /// with limits they never reach. The limits tests turn this on (and may still set single limits).
    /// </summary>
    public bool ShippedLimits { get; init; }

    /// <summary>A fake clock for the rate limits only.</summary>
    public FakeTimeProvider? LimitsClock { get; init; }

    /// <summary>More services for the server (e.g. an Orleans call filter that slows the link between nodes).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>A JSON settings file read after every other source and watched for changes, as the shipped appsettings.json is.</summary>
    public string? WatchedSettingsFile { get; init; }

    /// <summary>Receives every log entry of the server (its embedded media server included) at the provider's level, from start-up on.</summary>
    internal RecordingLoggerProvider? Logs { get; init; }

    /// <summary>
    /// <see cref="Logs"/> gets only what the server's configured levels let through (appsettings.json and
    /// <see cref="WithSetting"/>), as an operator's log would, instead of everything at the provider's level.
    /// </summary>
    public bool LogsAtConfiguredLevels { get; init; }

    /// <summary>The server's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            if (_inMemory)
            {
                return Server.BaseAddress;
            }

            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        }
    }

    public Uri HubUri => new(BaseAddress, "one2one");

    internal CallService Calls => Services.GetRequiredService<CallService>();

    /// <summary>
    /// Calls:ReconnectWindow, 3 s unless a test sets it: a test that drops a connection then waits this long for the
    /// user to be let go, rather than the shipped 20 s (which <c>ReconnectWindowTests</c> checks).
    /// </summary>
    public TimeSpan ReconnectWindow { get; init; } = TimeSpan.FromSeconds(3);

    public One2OneServerFactory WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (!_inMemory)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
        }

        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        if (KurentoUri is not null)
        {
            builder.UseSetting("Kurento:Uri", KurentoUri.ToString());
        }

        builder.UseSetting("Calls:ReconnectWindow", ReconnectWindow.ToString("c"));
        if (RingingTimeout is { } ringing)
        {
            builder.UseSetting("Calls:RingingTimeout", ringing.ToString("c"));
        }

        if (!ShippedLimits)
        {
            foreach (var (limit, value) in RelaxedLimits)
            {
                builder.UseSetting($"{LimitsOptions.SectionName}:{limit}", value.ToString(CultureInfo.InvariantCulture));
            }

            builder.UseSetting($"{LimitsOptions.SectionName}:{nameof(LimitsOptions.RingAgainAfterUnanswered)}", "00:00:00");
        }

        // Its silo's port (a cluster of one has a silo too), unless the test sets it.
        builder.UseSetting("Cluster:SiloPort", SiloPorts.Next().ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (WatchedSettingsFile is { } watched)
        {
            builder.ConfigureAppConfiguration(configuration => configuration.AddJsonFile(watched, optional: false, reloadOnChange: true));
        }

        if (Logs is { } logs)
        {
            // A rule for this provider alone outranks the Warning default above, whatever the category.
            builder.ConfigureLogging(logging =>
            {
                logging.AddProvider(logs);
                if (!LogsAtConfiguredLevels)
                {
                    logging.AddFilter<RecordingLoggerProvider>(null, logs.MinimumLevel);
                }
            });
        }

        builder.ConfigureTestServices(services =>
        {
            if (CallClock is not null)
            {
                services.AddSingleton(new CallClock(CallClock));
            }

            if (LimitsClock is not null)
            {
                services.AddSingleton(new LimitsClock(LimitsClock));
            }

            // Orleans sizes a silo's grain-location cache for a million grains: an 8 MB array on the large object heap
            // per server, which only full collections reclaim. The run starts hundreds of servers; none holds more than a
            // few hundred grains.
            services.Configure<Orleans.Configuration.GrainDirectoryOptions>(options => options.CacheSize = 10_000);

            ConfigureServices?.Invoke(services);
        });
    }

    /// <summary>
    /// Stops the server within 2 minutes or fails the test that disposes it: the host gives each service its 30 s shutdown
    /// timeout, so a stop that takes longer is a service ignoring it, and must show as a failure rather than a hang.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException("The One2One server did not stop within 2 minutes: a service ignores the host's shutdown timeout.", ex);
        }
    }
}
