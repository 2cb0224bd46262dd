using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// The app with two real media servers of its own (Kurento:Uris:0 and :1, each a separate media server on 127.0.0.1):
/// calls go to the least-loaded one that is up; one that dies ends its own calls with media-server-lost and no other.
/// </summary>
public sealed class MediaServerPoolTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Calls_go_to_the_least_loaded_server_and_a_dead_server_ends_only_its_own_calls()
    {
        var first = await MediaServerAsync();
        var second = await MediaServerAsync();
        var app = App(first.Uri, second.Uri);

        var onFirst = await InCallAsync(app, "alice", "bob");
        await Eventually.TrueAsync(() => first.Diagnostics.GetCounts().Pipelines == 1, "the first call goes to the first server");
        var onSecond = await InCallAsync(app, "carol", "dave");
        await Eventually.TrueAsync(() => second.Diagnostics.GetCounts().Pipelines == 1, "the second goes to the one with no call");
        first.Diagnostics.GetCounts().Pipelines.Should().Be(1);

        await second.DisposeAsync();

        (await onSecond.Caller.WaitForAsync<StopCommunication>(TimeSpan.FromSeconds(20))).Message.Reason.Should().Be(Reasons.MediaServerLost);
        (await onSecond.Callee.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.MediaServerLost);

        // The call on the first server goes on: hanging it up later is the first thing its people hear.
        var third = await InCallAsync(app, "erin", "frank");
        await Eventually.TrueAsync(() => first.Diagnostics.GetCounts().Pipelines == 2, "a new call goes to the server that is up");
        await onFirst.Callee.StopAsync();
        (await onFirst.Caller.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await third.Caller.StopAsync();
        await Eventually.TrueAsync(() => first.Diagnostics.GetCounts() is { Pipelines: 0, Endpoints: 0 }, "both calls' media is released");
    }

    [Fact]
    public async Task A_server_that_is_down_gets_no_calls_and_readiness_names_it()
    {
        var down = new Uri($"ws://127.0.0.1:{FreeTcpPort.OnLoopback()}/kurento");
        var up = await MediaServerAsync();
        var app = App(down, up.Uri);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        // Readiness: the pool is usable with one server; the data says which one is not.
        JsonElement check = default;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await http.GetAsync("readyz");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            check = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "media-server").Clone();
            return response.StatusCode == HttpStatusCode.OK && check.GetProperty("description").GetString()!.Contains("1 of 2", StringComparison.Ordinal);
        }, "readiness with one of two media servers up");
        var servers = check.GetProperty("data").GetProperty("servers").EnumerateArray().ToList();
        servers.Select(s => s.GetProperty("connected").GetBoolean()).Should().Equal(false, true);

        await InCallAsync(app, "gina", "hank");
        await InCallAsync(app, "ivan", "judy");

        up.Diagnostics.GetCounts().Pipelines.Should().Be(2, "both calls went to the server that is up, though it was the more loaded");
    }

    private One2OneServerFactory App(Uri first, Uri second)
    {
        var app = new One2OneServerFactory()
            .WithSetting("Kurento:Uris:0", first.ToString())
            .WithSetting("Kurento:Uris:1", second.ToString())
            .WithSetting("Kurento:ReconnectDelay", "00:00:00.200")
            .WithSetting("Kurento:MaxReconnectDelay", "00:00:01")
            .WithSetting("Calls:MediaServerLostAfter", "00:00:01");
        _disposables.Add(app);
        return app;
    }

    private async Task<KurentoTestServer> MediaServerAsync()
    {
        var server = await KurentoTestServer.StartAsync(realMedia: true);
        _disposables.Add(server);
        return server;
    }

    /// <summary>Caller calls, callee accepts, both get their answers.</summary>
    private async Task<(SignalingClient Caller, SignalingClient Callee)> InCallAsync(One2OneServerFactory app, string caller, string callee)
    {
        var from = await SignalingClient.RegisteredAsync(app.HubUri, caller);
        var to = await SignalingClient.RegisteredAsync(app.HubUri, callee);
        _disposables.Add(from);
        _disposables.Add(to);
        var browser = new SimulatedBrowser();
        _disposables.Add(browser);

        await from.CallAsync(callee, browser.OfferSdp);
        await to.ExpectAsync<IncomingCall>();
        await to.AcceptAsync(caller, browser.OfferSdp);
        await to.ExpectAsync<StartCommunication>();
        (await from.ExpectAsync<CallResponse>()).Response.Should().Be(Responses.Accepted);

        // The answers go out before the endpoints gather their candidates: wait for the end of the set-up, so a media
        // server stopped next fails a call in progress (media-server-lost), not one still being set up (media-error).
        var users = app.Services.GetRequiredService<UserRegistry>();
        await Eventually.TrueAsync(() => users.FindByName(caller)?.CurrentCall?.State == CallState.InCall, "the call is set up");
        return (from, to);
    }
}
