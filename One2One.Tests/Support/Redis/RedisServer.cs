using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace One2One.Tests.Support.Redis;

/// <summary>
/// A real Redis (Debian's <c>redis-server</c> from PATH) on a free loopback port, without persistence, its files in a
/// temporary directory of its own. Disposing it stops the process and removes the directory.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    public const string Executable = "redis-server";

    private readonly DaemonProcess _process;

    private RedisServer(DaemonProcess process, IPEndPoint endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>The StackExchange.Redis connection string, as <c>Cluster:Redis</c> takes it.</summary>
    public string ConnectionString => $"{Endpoint},abortConnect=false";

    public string Log => _process.Log;

    public static async Task<RedisServer> StartAsync()
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreeTcpPort.OnLoopback();
            var redis = new RedisServer(Launch(port), new IPEndPoint(IPAddress.Loopback, port));
            try
            {
                await redis.WaitUntilAnsweringAsync();
                return redis;
            }
            catch (Exception ex)
            {
                // Most likely the port was taken between our check and its bind: try another.
                last = ex;
                await redis.DisposeAsync();
            }
        }

        throw new InvalidOperationException($"{Executable} did not start: {last?.Message}", last);
    }

    /// <summary>Freezes the process (SIGSTOP): it keeps its connections and data but answers nothing, as a hung or cut-off Redis.</summary>
    public Task FreezeAsync() => _process.SignalAsync("STOP");

    /// <summary>Resumes a frozen process (SIGCONT).</summary>
    public Task ThawAsync() => _process.SignalAsync("CONT");

    /// <summary>
    /// Sends one inline command (e.g. <c>PING</c>) and returns the first line of the reply, within 5 s: whatever holds
    /// the port may not be Redis (another test's server can take a free port before redis-server binds it) and may
    /// never answer a line.
    /// </summary>
    /// <exception cref="TimeoutException">No whole line came back in time.</exception>
    public async Task<string> CommandAsync(string command)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(Endpoint, deadline.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), deadline.Token);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadLineAsync(deadline.Token) ?? "";
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"{Endpoint} did not answer {command.Split(' ')[0]} within 5 s");
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static DaemonProcess Launch(int port) =>
        DaemonProcess.Start(Executable, "apt-get install -y redis-server", "o2o-redis-", own =>
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", own, "--protected-mode", "yes",
        ]);

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(_process.ExitedMessage(Executable));
            }

            try
            {
                if (await CommandAsync("PING") == "+PONG")
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
            {
                // Not listening yet, or (the port taken by another before redis-server bound it) not Redis.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Executable} did not answer PING within 10 s: {Log}");
    }
}
