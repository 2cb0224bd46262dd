using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Server.Ice;
using One2One.Server.Media;
using One2One.Tests.Calls;
using One2One.Tests.Kurento.Support;
using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Ice;

/// <summary>
/// Kurento:StunServer and Kurento:TurnUrl reach every WebRtcEndpoint as KMS's setStunServerAddress, setStunServerPort and
/// setTurnUrl, before it negotiates; the embedded media server takes them as KMS does and reports them back.
/// </summary>
public sealed class MediaServerIceTests
{
    private const string Secret = "media-server-ice-secret";

    [Fact]
    public async Task Each_endpoint_gets_the_STUN_server_and_a_minted_TURN_credential_before_it_negotiates()
    {
        await using var call = await ScriptedCall.StartAsync(media => new One2OneServerFactory { KurentoUri = media.Uri }
            .WithSetting("Kurento:StunServer", "198.51.100.7:3479")
            .WithSetting("Kurento:TurnUrl", "203.0.113.20:3478?transport=tcp")
            .WithSetting("Turn:SharedSecret", Secret));

        await call.ConnectAsync();

        var requests = call.Media.Requests.ToList();
        foreach (var offer in new[] { ScriptedCall.CallerOffer, ScriptedCall.CalleeOffer })
        {
            var endpoint = await call.EndpointOfAsync(offer);
            var ofEndpoint = requests.Where(r => r.Method == "invoke" && r.Param("object") == endpoint).ToList();
            var stunAddress = ofEndpoint.Single(r => r.Operation == "setStunServerAddress");
            var stunPort = ofEndpoint.Single(r => r.Operation == "setStunServerPort");
            var turn = ofEndpoint.Single(r => r.Operation == "setTurnUrl");

            OperationParam(stunAddress, "stunServerAddress").Should().Be("198.51.100.7");
            stunPort.Params!["operationParams"]!["stunServerPort"]!.GetValue<int>().Should().Be(3479);
            var turnUrl = OperationParam(turn, "turnUrl")!;
            KurentoTurnUrl.TryParse(turnUrl, out var parsed).Should().BeTrue(turnUrl);
            parsed.ToString().Should().Be("203.0.113.20:3478?transport=tcp");
            IndependentTurnCredential.Parse(parsed.Username!).Name.Should().Be(MediaServerIce.CredentialName);
            IndependentTurnCredential.Parse(parsed.Username!).Expiry.Should().BeCloseTo(DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromMinutes(1));
            parsed.Password.Should().Be(IndependentTurnCredential.For(Secret, parsed.Username!));

            var firstNegotiation = requests.FindIndex(r => r.Param("object") == endpoint && r.Operation is "processOffer" or "gatherCandidates");
            requests.IndexOf(turn).Should().BeLessThan(firstNegotiation, "KMS hands STUN/TURN to its ICE agent when it negotiates");
            requests.IndexOf(stunPort).Should().BeLessThan(firstNegotiation);
        }
    }

    [Fact]
    public async Task A_TURN_url_with_its_own_credentials_is_passed_as_configured()
    {
        await using var call = await ScriptedCall.StartAsync(media => new One2OneServerFactory { KurentoUri = media.Uri }
            .WithSetting("Kurento:TurnUrl", "kms:pa55word@203.0.113.20:3478"));

        await call.ConnectAsync();

        var turns = call.Media.Requests.Where(r => r.IsInvoke("setTurnUrl")).ToList();
        turns.Should().HaveCount(2);
        turns.Select(r => OperationParam(r, "turnUrl")).Should().AllBe("kms:pa55word@203.0.113.20:3478");
        call.Media.Requests.Should().NotContain(r => r.IsInvoke("setStunServerAddress") || r.IsInvoke("setStunServerPort"));
    }

    [Fact]
    public async Task Without_settings_no_endpoint_is_asked_anything_about_STUN_or_TURN()
    {
        await using var call = await ScriptedCall.StartAsync();

        await call.ConnectAsync();

        call.Media.Requests.Should().NotContain(r => r.Operation != null && (r.Operation.Contains("Stun", StringComparison.Ordinal) || r.Operation.Contains("Turn", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_embedded_media_server_takes_the_settings_as_KMS_does_and_reports_them_back()
    {
        await using var media = await KurentoTestServer.StartAsync();
        await using var kurento = KurentoClients.For(media.Uri);
        var pipeline = await kurento.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        var ice = IceFor(new KurentoOptions { StunServer = "198.51.100.7", TurnUrl = "203.0.113.20:3478?transport=udp" });

        await ice.ConfigureAsync(endpoint, CancellationToken.None);

        (await endpoint.GetStunServerAddressAsync()).Should().Be("198.51.100.7");
        (await endpoint.GetStunServerPortAsync()).Should().Be(KurentoStunServer.DefaultPort);
        var turnUrl = await endpoint.GetTurnUrlAsync();
        KurentoTurnUrl.TryParse(turnUrl, out var parsed).Should().BeTrue(turnUrl);
        parsed.Password.Should().Be(IndependentTurnCredential.For(Secret, parsed.Username!));
        await pipeline.ReleaseAsync();
    }

    [Theory]
    [InlineData("stun.example.com:3478")]
    [InlineData("198.51.100.7:0")]
    [InlineData("198.51.100.7:3478:1")]
    [InlineData("2001:db8::1")]
    public void A_STUN_server_that_KMS_cannot_take_is_refused(string stunServer)
    {
        var result = new KurentoOptionsValidator().Validate(null, new KurentoOptions { StunServer = stunServer });

        result.FailureMessage.Should().Contain("Kurento:StunServer");
    }

    [Theory]
    [InlineData("user:secret-pw@turn.example.com:3478")]
    [InlineData("user:secret-pw@203.0.113.20")]
    [InlineData("user:secret-pw@203.0.113.20:3478?transport=sctp")]
    [InlineData("turn:user:secret-pw@203.0.113.20:3478")]
    public void A_TURN_url_that_KMS_cannot_take_is_refused_without_echoing_it(string turnUrl)
    {
        var result = new KurentoOptionsValidator().Validate(null, new KurentoOptions { TurnUrl = turnUrl });

        result.FailureMessage.Should().Contain("Kurento:TurnUrl").And.NotContain("secret-pw");
    }

    [Fact]
    public async Task A_TURN_url_without_credentials_needs_the_shared_secret_to_start()
    {
        await using var server = new One2OneServerFactory().WithSetting("Kurento:TurnUrl", "203.0.113.20:3478");

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>().WithMessage("*Kurento:TurnUrl*Turn:SharedSecret*");
    }

    private static string? OperationParam(ReceivedRequest request, string name) => request.Params?["operationParams"]?[name]?.GetValue<string>();

    private static MediaServerIce IceFor(KurentoOptions kurento)
    {
        var ice = new IceOptions();
        ice.Turn.SharedSecret = Secret;
        var issuer = new IceServerIssuer(Options.Create(ice), TimeProvider.System, NullLogger<IceServerIssuer>.Instance);
        return new MediaServerIce(Options.Create(kurento), issuer, NullLogger<MediaServerIce>.Instance);
    }
}
