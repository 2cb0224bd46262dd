using One2One.Tests.Observability.Support;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>What an operator's Prometheus scrapes from <c>/metrics</c> after two people in real Chromium had a call.</summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneMetricsTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task After_a_real_call_metrics_show_it_its_set_up_time_and_the_media_relayed()
    {
        await using var scene = CallScene.Start(browser, output, "metrics");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        using var http = new HttpClient { BaseAddress = scene.Server.BaseAddress };
        var during = new PrometheusScrape(await http.GetStringAsync("metrics"));

        await alice.HangUpAsync();
        await scene.ShouldHoldNoMediaAsync();

        during.Sum("one2one_calls_active").Should().Be(1, during.Text);
        during.Sum("one2one_media_endpoints_active").Should().Be(2);
        var after = await Eventually.ReturnsAsync(
            async () => new PrometheusScrape(await http.GetStringAsync("metrics")),
            scrape => scrape.Sum("one2one_media_endpoints_active") == 0 && scrape.Sum("one2one_calls_ended_total") == 1);
        output.WriteLine(after.Text);
        after.Sum("one2one_calls_started_total").Should().Be(1);
        after.Sum("one2one_calls_ended_total", "reason=\"hung-up\"").Should().Be(1);
        after.Sum("one2one_calls_active").Should().Be(0);
        after.Sum("one2one_call_setup_duration_seconds_count").Should().Be(1);
        after.Sum("one2one_call_setup_duration_seconds_sum").Should().BeInRange(0.001, 30);
        after.Sum("one2one_media_endpoints_active").Should().Be(0, "hanging up released both endpoints");
        after.Sum("one2one_media_packets_relayed_total").Should().BeGreaterThan(0).And.BeGreaterThanOrEqualTo(during.Sum("one2one_media_packets_relayed_total"), "released endpoints' packets stay counted");
        after.Sum("one2one_media_bytes_relayed_bytes_total").Should().BeGreaterThan(0);
        after.Sum("one2one_media_dtls_handshake_duration_seconds_count").Should().Be(2);
        after.Sum("one2one_users_registered").Should().Be(2);
        after.Has("http_server_request_duration_seconds_count").Should().BeTrue("ASP.NET Core's own meters are there too");
        after.Has("signalr_server_active_connections").Should().BeTrue();
    }
}
