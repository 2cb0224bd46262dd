using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using One2One.LoadBalancer;
using One2One.Tests.MediaServer.Relay.Support;

namespace One2One.Tests.Hosting;

/// <summary>
/// What <c>One2One.LoadBalancer</c> passes to the nodes and what it writes down: browsers send their sign-in token in the
/// hub's query string (<c>access_token</c>, as SignalR does for WebSockets), so it never logs a request's address, at any
/// level an operator may turn on; and a node's operator endpoints are not served to the world through it.
/// </summary>
public sealed class LoadBalancerTests
{
    [Fact]
    public async Task A_token_in_the_query_string_is_not_logged_even_at_Trace()
    {
        const string token = "eyJhbGciOiJIUzI1NiJ9.secret-token-7d41c2";
        await using var stub = await StartNodeAsync();

        // Its own content root: the test's output folder holds the app server's appsettings.json, whose filters would hide
        // what the load balancer itself logs.
        var contentRoot = Directory.CreateTempSubdirectory("one2one-lb-");
        await using var loadBalancer = LoadBalancerApp.Build(
            [
                "--contentRoot", contentRoot.FullName, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Trace",
                $"--LoadBalancer:Nodes:0={stub.Urls.Single()}",

                // A rule for one provider beats a rule for all, and a longer category a shorter one: an operator's usual ways
                // of turning a provider or a category up.
                $"--Logging:{typeof(RecordingLoggerProvider).FullName}:LogLevel:Default=Trace",
                "--Logging:LogLevel:Yarp.ReverseProxy.Forwarder.HttpForwarder=Trace",
                "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Trace",
            ]);
        var logs = new RecordingLoggerProvider(LogLevel.Trace);
        loadBalancer.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await loadBalancer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(loadBalancer.Urls.Single()) };

        var reply = await http.GetStringAsync($"/one2one?id=abc&access_token={token}");

        reply.Should().Be("node", "the request went through to the node");
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Debug, "the capture really ran below Information");
        logs.Entries.Should().NotContain(e => e.ToString().Contains("secret-token", StringComparison.Ordinal) || e.Details.Contains("secret-token", StringComparison.Ordinal));
        contentRoot.Delete(recursive: true);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/readyz")]
    [InlineData("/healthz")]
    [InlineData("/METRICS")]
    public async Task A_nodes_metrics_and_readiness_are_not_served_through_it(string path)
    {
        await using var stub = await StartNodeAsync();
        await using var loadBalancer = LoadBalancerApp.Build(["--urls", "http://127.0.0.1:0", $"--LoadBalancer:Nodes:0={stub.Urls.Single()}"]);
        await loadBalancer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(loadBalancer.Urls.Single()) };

        using var refused = await http.GetAsync(path);
        var page = await http.GetStringAsync("/");

        refused.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        page.Should().Be("node", "everything else goes through");
    }

    /// <summary>A node stand-in that answers every path with "node".</summary>
    private static async Task<WebApplication> StartNodeAsync()
    {
        var node = WebApplication.CreateBuilder();
        node.WebHost.UseUrls("http://127.0.0.1:0");
        node.Logging.ClearProviders();
        var stub = node.Build();
        stub.Map("/{**rest}", (HttpContext context) => Results.Text("node"));
        await stub.StartAsync();
        return stub;
    }

    [Theory]
    [InlineData("--LoadBalancer:HealthInterval=2")] // meant as seconds, read as days
    [InlineData("--LoadBalancer:HealthTimeout=1")] // a day
    public void A_health_interval_or_timeout_out_of_range_stops_the_load_balancer_at_start(string setting)
    {
        var build = () => LoadBalancerApp.Build(["--urls", "http://127.0.0.1:0", "--LoadBalancer:Nodes:0=http://127.0.0.1:5001", setting]);

        build.Should().Throw<InvalidOperationException>().WithMessage("*LoadBalancer:HealthInterval must be between*");
    }
}
