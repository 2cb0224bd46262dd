using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Rtc.Stun;
using One2One.Tests.MediaServer.Rtc.Stun;

namespace One2One.Tests.Support.Turn;

/// <summary>
/// A real coturn (Debian's <c>turnserver</c> from PATH) checking credentials with <c>use-auth-secret</c>, on a free UDP
/// and TCP port of one address, without TLS, DTLS or its admin CLI. Its database, pid file and log live in a temporary
/// directory of its own; disposing it stops the process and removes the directory.
/// </summary>
internal sealed class Coturn : IAsyncDisposable
{
    public const string Executable = "turnserver";
    public const string Realm = "one2one.test";

    private readonly DaemonProcess _process;

    private Coturn(DaemonProcess process, IPEndPoint endpoint, string sharedSecret)
    {
        _process = process;
        Endpoint = endpoint;
        SharedSecret = sharedSecret;
    }

    /// <summary>Where it listens, for UDP and TCP alike.</summary>
    public IPEndPoint Endpoint { get; }

    public string SharedSecret { get; }

    /// <summary>Its RFC 7065 URI for one transport, as Turn:Urls takes it.</summary>
    public string Url(string transport) => $"turn:{Endpoint}?transport={transport}";

    /// <summary>What it logged so far (for a failing test's message).</summary>
    public string Log => _process.Log;

    /// <param name="address">The address it listens and relays on.</param>
    /// <param name="workDirectory">Where its temporary directory goes; the system temp directory when null.</param>
    public static async Task<Coturn> StartAsync(IPAddress address, string sharedSecret, string? workDirectory = null)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort(address);
            var directory = workDirectory is null
                ? null
                : Directory.CreateDirectory(Path.Combine(workDirectory, $"coturn-{attempt}")).FullName;

            var process = Launch(address, port, sharedSecret, directory);
            var coturn = new Coturn(process, new IPEndPoint(address, port), sharedSecret);
            try
            {
                await coturn.WaitUntilAnsweringAsync();
                return coturn;
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                // Most likely the port was taken between our check and coturn's bind: try another.
                last = ex;
                await coturn.DisposeAsync();
            }
        }

        throw new InvalidOperationException($"coturn did not start: {last?.Message}", last);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static DaemonProcess Launch(IPAddress address, int port, string sharedSecret, string? directory) =>
        DaemonProcess.Start(Executable, "apt-get install -y coturn", "o2o-coturn-", own =>
        [
            "-n", $"--listening-ip={address}", $"--relay-ip={address}", $"--listening-port={port}",
            "--use-auth-secret", $"--static-auth-secret={sharedSecret}", $"--realm={Realm}",
            "--no-cli", "--no-tls", "--no-dtls", "--no-software-attribute", "--simple-log",
            $"--pidfile={Path.Combine(own, "turnserver.pid")}", $"--db={Path.Combine(own, "turndb")}",
            $"--log-file={Path.Combine(own, "turnserver.log")}",
        ], directory);

    /// <summary>Waits until it answers a STUN Binding request over UDP and accepts a TCP connection.</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        using var udp = new Socket(Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        udp.Connect(Endpoint);
        var request = StunTestMessage.Build((ushort)StunMethod.Binding, [], integrityKey: null, fingerprint: false);
        var buffer = new byte[1500];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(_process.ExitedMessage(Executable));
            }

            await udp.SendAsync(request);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                var length = await udp.ReceiveAsync(buffer, wait.Token);
                if (StunMessage.TryParse(buffer.AsSpan(0, length), out _))
                {
                    using var tcp = new TcpClient(Endpoint.AddressFamily);
                    await tcp.ConnectAsync(Endpoint);
                    return;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                // Not listening yet.
            }
        }

        throw new TimeoutException($"turnserver did not answer on {Endpoint} within 15 s: {Log}");
    }

    /// <summary>A port free for both UDP and TCP on <paramref name="address"/> right now.</summary>
    private static int FreePort(IPAddress address)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // Taken for TCP: another.
            }
        }
    }
}
