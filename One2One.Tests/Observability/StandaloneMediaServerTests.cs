using System.Net;
using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Observability;

/// <summary>The standalone media server program's own <c>/healthz</c> and <c>/metrics</c>, beside its Kurento endpoint, over HTTP.</summary>
public sealed class StandaloneMediaServerTests : IAsyncLifetime
{
    private StandaloneMediaServer _server = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        _server = await StandaloneMediaServer.StartAsync();
        _base = _server.BaseAddress;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Healthz_answers_200_with_json()
    {
        using var http = new HttpClient { BaseAddress = _base };

        using var response = await http.GetAsync("healthz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"status\":\"Healthy\"");
    }

    [Fact]
    public async Task Metrics_show_the_endpoints_a_kurento_client_created()
    {
        using var http = new HttpClient { BaseAddress = _base };
        await using var kurento = await KurentoTestClient.ConnectAsync(_server.KurentoUri);
        await kurento.CreateEndpointAsync(await kurento.CreatePipelineAsync());

        var scrape = await http.GetStringAsync("metrics");

        scrape.Should().Contain("one2one_media_endpoints_active{otel_scope_name=\"One2One.MediaServer\"} 1");
        scrape.Should().Contain("one2one_media_packets_relayed_total");
        scrape.Should().Contain("kestrel_active_connections", "ASP.NET Core's own meters are exported too");
    }
}
