using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using One2One.MediaServer;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.Observability;

/// <summary>The standalone media server program's own <c>/healthz</c> and <c>/metrics</c>, beside its Kurento endpoint, over HTTP.</summary>
public sealed class StandaloneMediaServerTests : IAsyncLifetime
{
    // The program's media ports default to fixed numbers (documented for firewalls); a test takes free ones, since a
    // fixed port inside the ephemeral range can be held by any other socket of the suite at that moment.
    private readonly WebApplication _app = MediaServerProgram.Build(
        ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--MediaServer:UdpPort=0", "--MediaServer:TcpPort=0"]);
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        await _app.StartAsync();
        _base = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

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
        await using var kurento = await KurentoTestClient.ConnectAsync(new Uri($"ws://{_base.Authority}/kurento"));
        await kurento.CreateEndpointAsync(await kurento.CreatePipelineAsync());

        var scrape = await http.GetStringAsync("metrics");

        scrape.Should().Contain("one2one_media_endpoints_active{otel_scope_name=\"One2One.MediaServer\"} 1");
        scrape.Should().Contain("one2one_media_packets_relayed_total");
        scrape.Should().Contain("kestrel_active_connections", "ASP.NET Core's own meters are exported too");
    }
}
