using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Hosting;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Hosting;

/// <summary>
/// MediaServer:ControlPath: the standalone media server's control protocol, which has no authentication (nor has KMS's),
/// on a path nobody can guess, for a network others share; the path stays out of the log. The program in the test's
/// process, a Kurento client and raw WebSockets over loopback.
/// </summary>
public sealed class StandaloneControlPathTests
{
    private const string SecretPath = "/7d0c5e9b2a41f86e3b1c/kurento";

    [Fact]
    public async Task The_protocol_is_served_on_the_configured_path_only_and_the_path_is_never_logged()
    {
        using var logs = new RecordingLoggerProvider(LogLevel.Trace);
        // Everything at Trace, as an operator turning the log up would, the request lines' categories included.
        // And for the recording provider by name, which outranks every rule for all providers, whatever the category.
        await using var server = await StandaloneMediaServer.StartAsync(logs, $"--MediaServer:ControlPath={SecretPath}", "--Logging:LogLevel:Default=Trace",
            "--Logging:LogLevel:Microsoft.AspNetCore=Trace", "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Trace",
            $"--Logging:{typeof(RecordingLoggerProvider).FullName}:LogLevel:Default=Trace");

        var secret = new Uri($"ws://{server.BaseAddress.Authority}{SecretPath}");
        await using (var kurento = await KurentoTestClient.ConnectAsync(secret))
        {
            await kurento.CreateEndpointAsync(await kurento.CreatePipelineAsync());
        }

        (await UpgradeStatusAsync(new Uri($"ws://{server.BaseAddress.Authority}/kurento"))).Should().Be(HttpStatusCode.NotFound, "KMS's path is not served");
        logs.Entries.Should().Contain(e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal), "the server logged its requests at Trace meanwhile");
        logs.Entries.Should().NotContain(e => e.ToString().Contains("7d0c5e9b2a41f86e3b1c", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_path_is_not_in_the_request_metrics_served_at_metrics()
    {
        await using var server = await StandaloneMediaServer.StartAsync($"--MediaServer:ControlPath={SecretPath}");
        var diagnostics = server.Services.GetRequiredService<MediaServerDiagnostics>();
        await using (var kurento = await KurentoTestClient.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}{SecretPath}")))
        {
            await kurento.CreatePipelineAsync();
        }

        await Eventually.TrueAsync(() => diagnostics.GetCounts().Connections == 0, "the control connection's request has ended");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        (await http.GetAsync(new Uri("healthz", UriKind.Relative))).EnsureSuccessStatusCode();
        var metrics = "";
        await Eventually.TrueAsync(async () =>
        {
            metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
            return metrics.Contains("http_route=\"/healthz\"", StringComparison.Ordinal);
        }, "requests ended before the health check's are in the metrics");

        metrics.Should().NotContain("7d0c5e9b2a41f86e3b1c", "anyone who can reach the port can read /metrics");
    }

    [Fact]
    public async Task Without_a_path_configured_it_serves_KMSs()
    {
        await using var server = await StandaloneMediaServer.StartAsync();

        server.Services.GetRequiredService<IOptions<One2One.MediaServer.MediaServerOptions>>().Value.ControlPath.Should().Be("/kurento");
        await using var kurento = await KurentoTestClient.ConnectAsync(server.KurentoUri);
        await kurento.CreatePipelineAsync();
    }

    [Theory]
    [InlineData("kurento")]
    [InlineData("/")]
    [InlineData("/a path/kurento")]
    [InlineData("/secret?x=1")]
    public async Task A_control_path_that_is_not_a_path_stops_the_server_at_start_naming_the_setting(string path)
    {
        var start = () => StandaloneMediaServer.StartAsync($"--MediaServer:ControlPath={path}");

        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*MediaServer:ControlPath*");
    }

    private static async Task<HttpStatusCode> UpgradeStatusAsync(Uri uri)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // Refused: the status says how.
        }

        return socket.HttpStatusCode;
    }
}
