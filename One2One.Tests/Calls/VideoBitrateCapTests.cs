using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using One2One.Tests.Kurento.Support;
using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// MediaServer:MaxVideoBitrate with a media server that is not the embedded one: each WebRtcEndpoint is given KMS's
/// maxVideoRecvBandwidth (kbps) before it negotiates, which KMS puts in its answer and REMBs, and maxVideoSendBandwidth
/// (the cap, or 0 for none: KMS's default is 500 kbps). The embedded media server takes the same requests and reports
/// them back, as KMS does.
/// </summary>
public sealed class VideoBitrateCapTests
{
    [Fact]
    public async Task Each_endpoint_gets_the_cap_in_kbps_before_it_processes_the_offer()
    {
        await using var call = await ScriptedCall.StartAsync(media => new One2OneServerFactory { KurentoUri = media.Uri }
            .WithSetting("MediaServer:MaxVideoBitrate", "300500"));

        await call.ConnectAsync();

        var requests = call.Media.Requests.ToList();
        foreach (var offer in new[] { ScriptedCall.CallerOffer, ScriptedCall.CalleeOffer })
        {
            var endpoint = await call.EndpointOfAsync(offer);
            var cap = requests.Single(r => r.IsInvoke("setMaxVideoRecvBandwidth") && r.Param("object") == endpoint);
            cap.Params!["operationParams"]!["maxVideoRecvBandwidth"]!.GetValue<int>().Should().Be(301, "kbps, rounded up so the cap is never below what was asked");
            var processOffer = requests.FindIndex(r => r.Param("object") == endpoint && r.Operation == "processOffer");
            requests.IndexOf(cap).Should().BeLessThan(processOffer, "KMS writes the cap into the answer it makes");
            var send = requests.Single(r => r.IsInvoke("setMaxVideoSendBandwidth") && r.Param("object") == endpoint);
            send.Params!["operationParams"]!["maxVideoSendBandwidth"]!.GetValue<int>().Should().Be(301, "the same cap on what flows to the browser");
            requests.IndexOf(send).Should().BeLessThan(processOffer);
        }
    }

    [Fact]
    public async Task Without_a_cap_each_endpoint_lifts_KMSs_default_send_cap_and_asks_nothing_else_about_bandwidth()
    {
        await using var call = await ScriptedCall.StartAsync();

        await call.ConnectAsync();

        var bandwidth = call.Media.Requests.Where(r => r.Operation != null && r.Operation.Contains("Bandwidth", StringComparison.Ordinal)).ToList();
        bandwidth.Should().HaveCount(2).And.OnlyContain(r => r.Operation == "setMaxVideoSendBandwidth"
            && r.Params!["operationParams"]!["maxVideoSendBandwidth"]!.GetValue<int>() == 0,
            "KMS holds what each endpoint passes on to 500 kbps unless told otherwise (0: no cap of its own)");
        var endpoints = new[] { await call.EndpointOfAsync(ScriptedCall.CallerOffer), await call.EndpointOfAsync(ScriptedCall.CalleeOffer) };
        bandwidth.Select(r => r.Param("object")).Should().BeEquivalentTo(endpoints);
    }

    [Fact]
    public async Task A_negative_cap_stops_the_server_at_start_naming_the_setting()
    {
        await using var server = new One2OneServerFactory { KurentoUri = new Uri("ws://127.0.0.1:9/kurento") }.WithSetting("MediaServer:MaxVideoBitrate", "-1");

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>().WithMessage("*MediaServer:MaxVideoBitrate*");
    }

    [Fact]
    public async Task The_embedded_media_server_takes_maxVideoRecvBandwidth_as_KMS_does_and_refuses_a_negative_one()
    {
        await using var media = await KurentoTestServer.StartAsync();
        await using var kurento = KurentoClients.For(media.Uri);
        var pipeline = await kurento.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        (await endpoint.GetMaxVideoRecvBandwidthAsync()).Should().Be(0, "no cap until one is set");

        await endpoint.SetMaxVideoRecvBandwidthAsync(250);

        (await endpoint.GetMaxVideoRecvBandwidthAsync()).Should().Be(250);
        await using var raw = await media.ConnectAsync();
        var refused = await raw.InvokeAsync(endpoint.Id, "setMaxVideoRecvBandwidth", new JsonObject { ["maxVideoRecvBandwidth"] = -5 });
        refused["error"]!["code"]!.GetValue<int>().Should().Be(40107, "a negative bandwidth is an illegal parameter");
        (await endpoint.GetMaxVideoRecvBandwidthAsync()).Should().Be(250, "the refused value changed nothing");
        await pipeline.ReleaseAsync();
    }
}
