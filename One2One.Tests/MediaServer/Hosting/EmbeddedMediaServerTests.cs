using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using System.Text.Json.Nodes;
using One2One.MediaServer.Hosting;
using One2One.MediaServer.Protocol;
using One2One.MediaServer.Relay;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Hosting;

public sealed class EmbeddedMediaServerTests
{
    [Fact]
    public async Task It_listens_on_loopback_at_a_secret_path_and_stops_cleanly()
    {
        var server = await KurentoTestServer.StartAsync();

        server.Uri.Scheme.Should().Be("ws");
        server.Uri.Host.Should().Be("127.0.0.1");
        server.Uri.AbsolutePath.Should().MatchRegex("^/[0-9a-f]{32}/kurento$");
        await using (var client = await server.ConnectAsync())
        {
            (await client.ResultAsync("ping"))["value"]!.GetValue<string>().Should().Be("pong");
        }

        await server.DisposeAsync();
        var afterStop = () => server.Server.ControlUri;
        afterStop.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public async Task Only_the_path_with_the_token_serves_the_protocol()
    {
        await using var first = await KurentoTestServer.StartAsync();
        await using var second = await KurentoTestServer.StartAsync();
        var port = first.Uri.Port;
        var otherToken = second.Uri.AbsolutePath;
        var guesses = new[] { "/kurento", "/", $"{first.Uri.AbsolutePath}x", otherToken, first.Uri.AbsolutePath.Replace("/kurento", "", StringComparison.Ordinal) };

        var statuses = new List<System.Net.HttpStatusCode>();
        foreach (var path in guesses)
        {
            using var socket = new System.Net.WebSockets.ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            var connect = () => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}{path}"), CancellationToken.None);
            await connect.Should().ThrowAsync<System.Net.WebSockets.WebSocketException>(path);
            statuses.Add(socket.HttpStatusCode);
        }

        otherToken.Should().NotBe(first.Uri.AbsolutePath, "each server draws its own token");
        statuses.Should().AllBeEquivalentTo(System.Net.HttpStatusCode.NotFound);
        await using var client = await first.ConnectAsync();
        (await client.ResultAsync("ping"))["value"]!.GetValue<string>().Should().Be("pong");
    }

    [Fact]
    public async Task Stopping_closes_every_session_and_releases_every_object_first()
    {
        var server = await KurentoTestServer.StartAsync();
        var sessions = server.Server.Services.GetRequiredService<KurentoSessionRegistry>();
        await using var connected = await server.ConnectAsync();
        var pipeline = await connected.CreatePipelineAsync();
        await connected.CreateEndpointAsync(pipeline);
        await connected.CreateEndpointAsync(pipeline);
        var gone = await server.ConnectAsync();
        await gone.CreateEndpointAsync(await gone.CreatePipelineAsync());
        await gone.DisposeAsync(); // its session waits for the collector, which a stop must not wait for

        await server.Server.StopAsync(CancellationToken.None);

        server.Media.Created.Should().HaveCount(3).And.AllSatisfy(s => s.DisposeCount.Should().Be(1));
        server.Media.OpenSocketCount.Should().Be(0);
        sessions.Count.Should().Be(0);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Stopping_leaves_no_transport_attached_and_no_media_worker_running()
    {
        var server = await KurentoTestServer.StartAsync(realMedia: true);
        var factory = (WebRtcSessionFactory)server.Server.Services.GetRequiredService<IWebRtcSessionFactory>();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var live = await client.CreateEndpointAsync(pipeline);
        await client.CreateEndpointAsync(pipeline);
        await client.InvokeValueAsync(live, "processOffer", new JsonObject { ["offer"] = SdpFixtures.ChromeAudioVideoData });
        var transports = factory.LiveSessions.Select(s => s.Transport).ToArray();
        var workers = factory.Ports.Udp.Threads;
        var openBefore = factory.OpenSocketCount;

        await server.Server.StopAsync(CancellationToken.None);

        openBefore.Should().Be(2);
        factory.OpenSocketCount.Should().Be(0);
        factory.LiveSessions.Should().BeEmpty();
        transports.Should().HaveCount(2).And.AllSatisfy(t => t.IsClosed.Should().BeTrue("each transport left the ports"));
        workers.Should().NotBeEmpty().And.AllSatisfy(t => t.IsAlive.Should().BeFalse("the media workers end with the ports"));
        await server.DisposeAsync();
    }

    [Theory]
    [InlineData("MediaServer:BindAddress", "not-an-ip", "BindAddress")]
    [InlineData("MediaServer:MinPort", "5000", "MinPort")]
    [InlineData("MediaServer:MaxMessageBytes", "10", "MaxMessageBytes")]
    [InlineData("MediaServer:SessionCollectTimeout", "00:00:00", "SessionCollectTimeout")]
    [InlineData("MediaServer:EventQueueCapacity", "1", "EventQueueCapacity")]
    [InlineData("MediaServer:AllowedOrigins:0", "https://app.example.org/path", "AllowedOrigins")]
    [InlineData("MediaServer:AllowedOrigins:0", "app.example.org", "AllowedOrigins")]
    public async Task Invalid_options_fail_start_up_naming_the_setting(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        await using var server = new EmbeddedMediaServer(configuration)
        {
            ConfigureServices = s => s.AddSingleton<IWebRtcSessionFactory>(new StandInWebRtcSessionFactory()),
        };

        var start = () => server.StartAsync(CancellationToken.None);

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(named);
    }

    [Fact]
    public async Task By_default_the_media_server_runs_the_real_WebRTC_machinery()
    {
        await using var server = new EmbeddedMediaServer();

        await server.StartAsync(CancellationToken.None);

        server.Services.GetRequiredService<IWebRtcSessionFactory>().Should().BeOfType<One2One.MediaServer.Relay.WebRtcSessionFactory>();
    }

    [Fact]
    public void Options_bind_from_the_MediaServer_section_with_KMS_like_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MediaServer:AnnouncedAddresses:0"] = "192.0.2.10",
            ["MediaServer:MinPort"] = "40000",
            ["MediaServer:MaxPort"] = "40100",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddKurentoMediaServer();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MediaServerOptions>>().Value;

        options.EffectiveAnnouncedAddresses.Should().Equal("192.0.2.10");
        options.BindAddress.Should().Be("127.0.0.1");
        options.SessionCollectTimeout.Should().Be(TimeSpan.FromSeconds(240));
        (options.MinPort, options.MaxPort).Should().Be((40000, 40100));
        new MediaServerOptions().EffectiveAnnouncedAddresses.Should().Equal("127.0.0.1");
    }
}
