using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace One2One.Tests.Support.Browser;

/// <summary>
/// A client of Firefox's built-in remote protocol, Marionette (what geckodriver speaks to Firefox): over one TCP
/// connection, each message is its length in decimal, a colon, then JSON; a command is <c>[0, id, name, params]</c> and
/// its response <c>[1, id, error, result]</c>. Only the few commands a page test needs: a session, navigate, reload, and
/// scripts run in the page. Playwright drives only its own patched Firefox, not the one Debian ships, hence this.
/// </summary>
/// <remarks>Threading: one command at a time (a gate), as the protocol answers in order on one connection.</remarks>
internal sealed class Marionette : IAsyncDisposable
{
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(30);

    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _pending = new();
    private int _nextId;

    private Marionette(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>
    /// Connects to a Firefox started with <c>--marionette</c> on <paramref name="port"/> (retrying while it starts) and opens
    /// a session, all within <see cref="ConnectLimit"/>.
    /// </summary>
    public static async Task<Marionette> ConnectAsync(int port, Func<bool> browserAlive, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ConnectLimit);
        var ct = limit.Token;
        while (true)
        {
            var tcp = new TcpClient();
            try
            {
                await tcp.ConnectAsync("127.0.0.1", port, ct);
                var client = new Marionette(tcp);
                await client.ReadMessageAsync(ct); // the greeting: {"applicationType":"gecko","marionetteProtocol":3}
                await client.CommandAsync("WebDriver:NewSession", new JsonObject { ["capabilities"] = new JsonObject() }, ct);
                return client;
            }
            catch (Exception ex) when (ex is SocketException or IOException && !ct.IsCancellationRequested && browserAlive())
            {
                // Not listening yet, or the connection dropped while Firefox was still starting.
                tcp.Dispose();
                await Task.Delay(200, ct);
            }
            catch
            {
                tcp.Dispose();
                throw;
            }
        }
    }

    public Task NavigateAsync(string url, CancellationToken cancellationToken) =>
        CommandAsync("WebDriver:Navigate", new JsonObject { ["url"] = url }, cancellationToken);

    public Task ReloadAsync(CancellationToken cancellationToken) => CommandAsync("WebDriver:Refresh", new JsonObject(), cancellationToken);

    /// <summary>
    /// Runs <paramref name="body"/>, the body of an async function, in the page and returns what it returns (JSON).
    /// The function is awaited, so it may await promises (getStats()).
    /// </summary>
    public async Task<JsonNode?> EvaluateAsync(string body, CancellationToken cancellationToken)
    {
        var script = "const done = arguments[arguments.length - 1];" +
            $"(async () => {{ {body} }})().then(value => done({{ ok: value === undefined ? null : value }}), error => done({{ error: String(error) }}));";
        var result = await CommandAsync("WebDriver:ExecuteAsyncScript", new JsonObject
        {
            ["script"] = script,
            ["args"] = new JsonArray(),
            ["scriptTimeout"] = 30_000,
        }, cancellationToken);
        var value = result?["value"];
        if (value?["error"] is { } error)
        {
            throw new InvalidOperationException($"The script failed in Firefox: {error}");
        }

        return value?["ok"];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await CommandAsync("WebDriver:DeleteSession", new JsonObject(), timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            // The browser is going anyway.
        }

        _tcp.Dispose();
        _gate.Dispose();
    }

    private async Task<JsonNode?> CommandAsync(string name, JsonObject parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var id = ++_nextId;
            var json = new JsonArray(0, id, name, parameters).ToJsonString();
            var body = Encoding.UTF8.GetBytes(json);
            var frame = Encoding.ASCII.GetBytes(body.Length.ToString(CultureInfo.InvariantCulture) + ":");
            await _stream.WriteAsync(frame, cancellationToken);
            await _stream.WriteAsync(body, cancellationToken);
            while (true)
            {
                var message = await ReadMessageAsync(cancellationToken) as JsonArray
                    ?? throw new InvalidOperationException("Marionette sent something that is not a response.");
                if (message.Count != 4 || message[1]?.GetValue<int>() != id)
                {
                    continue; // a response to a command that timed out on our side
                }

                if (message[2] is JsonObject error)
                {
                    throw new InvalidOperationException($"Marionette {name} failed: {error["error"]}: {error["message"]}");
                }

                return message[3];
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonNode?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var data = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
            var colon = data.IndexOf((byte)':');
            if (colon > 0)
            {
                var length = int.Parse(Encoding.ASCII.GetString(data[..colon]), CultureInfo.InvariantCulture);
                if (data.Length >= colon + 1 + length)
                {
                    var node = JsonNode.Parse(data.Slice(colon + 1, length));
                    var rest = data[(colon + 1 + length)..].ToArray();
                    _pending.SetLength(0);
                    _pending.Write(rest);
                    return node;
                }
            }

            var read = await _stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("Firefox closed the Marionette connection.");
            }

            _pending.Write(_buffer, 0, read);
        }
    }
}
