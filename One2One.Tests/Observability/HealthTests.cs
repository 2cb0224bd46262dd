using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Observability;

/// <summary><c>/healthz</c> and <c>/readyz</c> of the real server over HTTP, with the embedded media server, an external one that goes away, and none.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_says_the_process_is_alive_in_json()
    {
        await using var server = new One2OneServerFactory();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("healthz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await ReadJsonAsync(response)).GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task Readyz_is_ready_when_the_session_with_the_embedded_media_server_is_up()
    {
        await using var server = new One2OneServerFactory();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("readyz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var check = MediaServerCheck(await ReadJsonAsync(response));
        check.GetProperty("status").GetString().Should().Be("Healthy");
        check.GetProperty("data").GetProperty("connected").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Readyz_is_503_naming_the_media_server_check_when_nobody_listens_at_the_kurento_uri()
    {
        await using var server = new One2OneServerFactory { KurentoUri = new Uri($"ws://127.0.0.1:{FreeTcpPort.OnLoopback()}/kurento") };
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("readyz");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var body = await ReadJsonAsync(response);
        body.GetProperty("status").GetString().Should().Be("Unhealthy");
        var check = MediaServerCheck(body);
        check.GetProperty("status").GetString().Should().Be("Unhealthy");
        check.GetProperty("description").GetString().Should().Contain("No session with the media server");
        check.GetProperty("error").GetString().Should().NotBeNullOrEmpty("the last connect error says why");
    }

    [Fact]
    public async Task Readyz_turns_503_when_the_external_media_server_goes_away()
    {
        var kurento = await ScriptedKurentoServer.StartAsync();
        await using var server = new One2OneServerFactory { KurentoUri = kurento.Uri };
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        (await http.GetAsync("readyz")).StatusCode.Should().Be(HttpStatusCode.OK);

        await kurento.DisposeAsync();

        await Eventually.TrueAsync(
            async () => (await http.GetAsync("readyz")).StatusCode == HttpStatusCode.ServiceUnavailable,
            "the session is down once the media server has stopped");
    }

    [Fact]
    public async Task Readyz_fails_from_the_moment_the_node_begins_to_stop_while_its_listener_still_answers()
    {
        var server = new One2OneServerFactory();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        (await http.GetAsync("readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
        var lifetime = server.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        var stoppingSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holdOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Holds the stop at its first step (the stopping callbacks run before the listener closes), as a drain delay would.
        lifetime.ApplicationStopping.Register(() =>
        {
            stoppingSeen.TrySetResult();
            holdOpen.Task.Wait(TimeSpan.FromSeconds(30));
        });

        var stopping = Task.Run(async () => await server.DisposeAsync());
        await stoppingSeen.Task;
        using var response = await http.GetAsync("readyz");
        holdOpen.TrySetResult();
        await stopping;

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var check = (await ReadJsonAsync(response)).GetProperty("checks").EnumerateArray()
            .Should().ContainSingle(c => c.GetProperty("name").GetString() == "stopping").Subject;
        check.GetProperty("description").GetString().Should().Be("The node is stopping.");
    }

    private static JsonElement MediaServerCheck(JsonElement body) =>
        body.GetProperty("checks").EnumerateArray().Should().ContainSingle(c => c.GetProperty("name").GetString() == "media-server").Subject;

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
