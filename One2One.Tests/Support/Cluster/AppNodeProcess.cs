using System.Globalization;
using System.Net;
using One2One.Tests.Observability.Support;

namespace One2One.Tests.Support.Cluster;

/// <summary>
/// One app node as its own process (<c>dotnet One2One.Server.dll</c>, the build the tests run against), so a test can
/// kill it for real (SIGKILL: no shutdown, no goodbye to the cluster). Ready once its <c>/readyz</c> says so: its silo is
/// in the cluster and its media server session is up.
/// </summary>
internal sealed class AppNodeProcess : IAsyncDisposable
{
    private readonly DaemonProcess _process;

    private AppNodeProcess(DaemonProcess process, Uri baseAddress, string name)
    {
        _process = process;
        BaseAddress = baseAddress;
        Name = name;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public Uri HubUri => new(BaseAddress, "one2one");

    public string Log => _process.Log;

    /// <summary>What the node's <c>/metrics</c> serves now, as Prometheus scrapes it.</summary>
    public async Task<PrometheusScrape> MetricsAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        return new PrometheusScrape(await http.GetStringAsync(new Uri("metrics", UriKind.Relative)));
    }

    public bool HasExited => _process.HasExited;

    /// <param name="settings">Configuration for the node, as <c>--key=value</c> command-line settings.</param>
    public static async Task<AppNodeProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreeTcpPort.OnLoopback();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var server = Path.Combine(AppContext.BaseDirectory, "One2One.Server.dll");
        var process = DaemonProcess.Start("dotnet", "the .NET SDK", $"one2one-node-{name}-", _ =>
            new[]
            {
                server, "--contentRoot", AppContext.BaseDirectory, "--webroot", WebRoot, "--urls", baseAddress.ToString().TrimEnd('/'),
                "--Logging:LogLevel:Default=Warning",
                $"--Cluster:SiloPort={SiloPorts.Next().ToString(CultureInfo.InvariantCulture)}",
            }
                .Concat(settings.Select(s => $"--{s.Key}={s.Value}")));
        var node = new AppNodeProcess(process, baseAddress, name);
        try
        {
            await node.WaitUntilReadyAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>The page and its bundle, as the build leaves them in the server project (what a deployment publishes).</summary>
    private static string WebRoot => Path.Combine(ClientSdk.ClientContractTests.RepositoryRoot(), "One2One.Server", "wwwroot");

    /// <summary>SIGKILL: the process is gone at once, its sockets reset, its silo never says goodbye.</summary>
    public async Task KillAsync()
    {
        await _process.SignalAsync("KILL");
        await Eventually.TrueAsync(() => _process.HasExited, $"node {Name} exited");
    }

    /// <summary>
    /// SIGTERM, as <c>systemctl stop</c> or a container's stop sends: the node shuts down gracefully (its silo leaves the
    /// cluster); waits until it has exited, which must be with 0 within the host's shutdown timeout (30 s) and a margin.
    /// </summary>
    public async Task StopAsync()
    {
        await _process.SignalAsync("TERM");
        await Eventually.TrueAsync(() => Task.FromResult(_process.HasExited), $"node {Name} exited after SIGTERM", TimeSpan.FromSeconds(45));
        _process.ExitCode.Should().Be(0, $"node {Name} stops cleanly: {Log}");
    }

    /// <summary>SIGSTOP: the process keeps its sockets but answers nothing, as a hung node or one cut off from the others.</summary>
    public Task FreezeAsync() => _process.SignalAsync("STOP");

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(_process.ExitedMessage($"node {Name}"));
            }

            try
            {
                using var response = await http.GetAsync("readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"node {Name} was not ready within 90 s: {Log}");
    }
}
