using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

namespace One2One.LoadTest.Target;

/// <summary>
/// The built One2One.Server in a child process on 127.0.0.1 and a free port, as it runs in production
/// (Production environment, its own GC settings), logging at Warning so the console is not what is measured.
/// Stopped with SIGTERM (a graceful shutdown that ends calls) and killed if it does not stop.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ServerProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public Uri HubUri => new(BaseUri, "one2one");

    public int ProcessId => _process.Id;

    /// <summary>
    /// The server's dll next to this tool's build: One2One.Server/bin/{the tool's configuration}/{tfm}/ under the
    /// folder that holds One2One.sln.
    /// </summary>
    public static string DefaultServerDll()
    {
        var configuration = typeof(ServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "One2One.sln")))
            {
                return Path.Combine(dir.FullName, "One2One.Server", "bin", configuration, framework, "One2One.Server.dll");
            }
        }

        throw new FileNotFoundException("One2One.sln not found above the tool's folder; pass --server-dll.");
    }

    /// <summary>
    /// Every client of the tool comes from loopback and calls back to back, which the server's per-address and per-pair
    /// limits exist to stop; the server the tool starts runs with them lifted (settings given with --server-setting come
    /// later on the command line, so they win). Presence is off: each join is a message to every registered page, which
    /// at 10,000 connections measures presence, not a connection's cost. A server given with --hub is configured by
    /// whoever runs it.
    /// </summary>
    private static readonly string[] LoadLimits =
    [
        "Limits:RegistrationsPerAddress=100000",
        "Limits:RegisterPerAddressPerMinute=100000",
        "Limits:CallAttemptsPerConnectionPerMinute=100000",
        "Limits:CallAttemptsPerAddressPerMinute=100000",
        "Limits:CandidatesPerConnectionPerMinute=100000",
        "Limits:CandidatesPerAddressPerMinute=1000000",
        "Limits:RingsPerPairPerMinute=100000",
        "Limits:RingAgainAfterUnanswered=00:00:00",
        "Limits:CallsPerAddress=100000",
        "Limits:ConnectionsPerAddress=100000",
        "Limits:ConnectionAttemptsPerAddressPerMinute=1000000",
        "Presence:Enabled=false",
    ];

    /// <summary>Starts the server with extra configuration (<c>Key=Value</c>, as on its command line) and waits until it answers.</summary>
    public static async Task<ServerProcess> StartAsync(string serverDll, IEnumerable<string> settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException($"The server is not built: {serverDll}. Build it first (dotnet build -c Release).");
        }

        var port = FreePort();
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var setting in LoadLimits.Concat(settings))
        {
            start.ArgumentList.Add("--" + setting);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The server's last lines of output, for an error report.</summary>
    public string LastOutput()
    {
        lock (_lastLines)
        {
            return string.Join(Environment.NewLine, _lastLines);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Posix.Kill(_process.Id, Posix.SigTerm);
            using var stop = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}:{Environment.NewLine}{LastOutput()}");
            }

            try
            {
                using var response = await http.GetAsync(BaseUri, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>The dotnet host that runs this tool (the shared runtime's directory is dotnet/shared/Microsoft.NETCore.App/x.y.z/).</summary>
    private static string DotnetHost()
    {
        var host = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        return File.Exists(host) ? host : "dotnet";
    }
}
