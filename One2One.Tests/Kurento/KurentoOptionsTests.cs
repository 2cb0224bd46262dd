using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Tests.Kurento.Support;

namespace One2One.Tests.Kurento;

public sealed class KurentoOptionsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ws://127.0.0.1:8888/kurento")]
    [InlineData("wss://media.example.org/kurento")]
    public void An_unset_or_websocket_uri_is_valid(string? uri)
    {
        var result = new KurentoOptionsValidator().Validate(null, new KurentoOptions { Uri = uri });

        result.Succeeded.Should().BeTrue(result.FailureMessage);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8888/kurento")]
    [InlineData("/kurento")]
    [InlineData("not a uri")]
    public void Any_other_uri_is_refused(string uri)
    {
        var result = new KurentoOptionsValidator().Validate(null, new KurentoOptions { Uri = uri });

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Kurento:Uri");
    }

    [Fact]
    public void Each_of_several_media_servers_must_be_a_websocket_uri_named_by_its_index()
    {
        var good = new KurentoOptionsValidator().Validate(null, new KurentoOptions { Uris = ["ws://10.0.0.1:8888/kurento", "wss://m2.example.org/kurento"] });
        var bad = new KurentoOptionsValidator().Validate(null, new KurentoOptions { Uris = ["ws://10.0.0.1:8888/kurento", "http://m2/kurento"] });

        good.Succeeded.Should().BeTrue(good.FailureMessage);
        bad.Failed.Should().BeTrue();
        bad.FailureMessage.Should().Contain("Kurento:Uris:1").And.Contain("http://m2/kurento");
    }

    [Fact]
    public void One_server_or_several_not_both()
    {
        var result = new KurentoOptionsValidator().Validate(null, new KurentoOptions
        {
            Uri = "ws://10.0.0.9:8888/kurento",
            Uris = ["ws://10.0.0.1:8888/kurento", "ws://10.0.0.2:8888/kurento"],
        });

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Kurento:Uri").And.Contain("Kurento:Uris");
    }

    [Theory]
    [InlineData("Kurento:Uri")]
    [InlineData("ws_uri")]
    public void The_app_given_one_server_and_several_at_once_fails_start_up_instead_of_dropping_one(string single)
    {
        using var server = new One2One.Tests.Support.One2OneServerFactory()
            .WithSetting(single, "ws://127.0.0.1:9/kurento")
            .WithSetting("Kurento:Uris:0", "ws://127.0.0.1:10/kurento");

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>().WithMessage("*Kurento:Uris (several), not both*");
    }

    [Fact]
    public void Durations_must_be_positive_and_the_backoff_must_not_shrink()
    {
        var options = new KurentoOptions
        {
            RequestTimeout = TimeSpan.Zero,
            KeepAliveInterval = TimeSpan.FromSeconds(-1),
            ReconnectDelay = TimeSpan.FromSeconds(10),
            MaxReconnectDelay = TimeSpan.FromSeconds(5),
            MaxMessageSize = 10,
        };

        var result = new KurentoOptionsValidator().Validate(null, options);

        result.Failures.Should().HaveCount(4);
        result.FailureMessage.Should().Contain("RequestTimeout").And.Contain("KeepAliveInterval").And.Contain("MaxReconnectDelay").And.Contain("MaxMessageSize");
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    public void At_least_16_events_may_wait_for_their_handlers(int maxQueuedEvents, bool valid)
    {
        var result = new KurentoOptionsValidator().Validate(null, new KurentoOptions { MaxQueuedEvents = maxQueuedEvents });

        result.Succeeded.Should().Be(valid, result.FailureMessage);
        if (!valid)
        {
            result.FailureMessage.Should().Contain("Kurento:MaxQueuedEvents");
        }
    }

    [Fact]
    public void The_defaults_are_15_s_requests_and_30_s_pings()
    {
        var options = new KurentoOptions();

        options.RequestTimeout.Should().Be(TimeSpan.FromSeconds(15));
        options.KeepAliveInterval.Should().Be(TimeSpan.FromSeconds(30));
        options.MaxQueuedEvents.Should().Be(10_000);
        new KurentoOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void AddKurentoClient_binds_the_Kurento_section_and_registers_one_client()
    {
        using var provider = Services(new() { ["Kurento:Uri"] = "ws://127.0.0.1:8888/kurento", ["Kurento:RequestTimeout"] = "00:00:05" });

        var options = provider.GetRequiredService<IOptions<KurentoOptions>>().Value;
        options.Uri.Should().Be("ws://127.0.0.1:8888/kurento");
        options.RequestTimeout.Should().Be(TimeSpan.FromSeconds(5));
        provider.GetRequiredService<IKurentoClient>().Should().BeOfType<KurentoClient>()
            .And.BeSameAs(provider.GetRequiredService<IKurentoClient>());
    }

    [Fact]
    public async Task A_container_disposed_synchronously_closes_the_client_too()
    {
        await using var server = await ScriptedKurentoServer.StartAsync();
        var provider = Services(new() { ["Kurento:Uri"] = server.Uri.ToString() });
        var client = provider.GetRequiredService<IKurentoClient>();
        await client.CreateMediaPipelineAsync();

        provider.Dispose();

        await server.WaitForNoOpenConnectionAsync();
        await client.Awaiting(c => c.CreateMediaPipelineAsync()).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public void Invalid_configuration_is_reported_when_the_options_are_read()
    {
        using var provider = Services(new() { ["Kurento:Uri"] = "http://127.0.0.1:8888/kurento" });

        var reading = () => provider.GetRequiredService<IOptions<KurentoOptions>>().Value;

        reading.Should().Throw<OptionsValidationException>().WithMessage("*ws:// or wss://*");
    }

    [Fact]
    public async Task The_configured_locator_returns_the_configured_uri_and_refuses_when_there_is_none()
    {
        var configured = new ConfiguredMediaServerLocator(Options.Create(new KurentoOptions { Uri = "ws://127.0.0.1:8888/kurento" }));
        var unset = new ConfiguredMediaServerLocator(Options.Create(new KurentoOptions()));

        (await configured.GetUriAsync(CancellationToken.None)).Should().Be(new Uri("ws://127.0.0.1:8888/kurento"));
        await unset.Awaiting(l => l.GetUriAsync(CancellationToken.None).AsTask()).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task A_client_from_the_container_talks_to_the_configured_media_server()
    {
        await using var server = await ScriptedKurentoServer.StartAsync();
        await using var provider = Services(new() { ["Kurento:Uri"] = server.Uri.ToString() });

        var pipeline = await provider.GetRequiredService<IKurentoClient>().CreateMediaPipelineAsync();

        server.RequestsOf("create").Should().ContainSingle().Which.Type.Should().Be("MediaPipeline");
        pipeline.Id.Should().EndWith("_kurento.MediaPipeline");
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<IMediaServerLocator, ConfiguredMediaServerLocator>();
        services.AddKurentoClient();
        return services.BuildServiceProvider();
    }
}
