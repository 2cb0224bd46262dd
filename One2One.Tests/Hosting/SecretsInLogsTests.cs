using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using One2One.Server.Contracts;
using One2One.Server.Hosting;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Support;

namespace One2One.Tests.Hosting;

/// <summary>
/// Everything the server logs at Trace (a rule for the recording provider, which outranks every rule for all providers),
/// its embedded media server and the framework included, from start-up through a full call and a resume to shutdown:
/// neither the media server's control token, the JWT signing key, a sign-in token nor a resume token appears in any
/// message, structured value, scope or exception.
/// </summary>
public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task Neither_the_control_token_nor_the_signing_key_nor_the_TURN_secret_nor_a_sign_in_or_resume_token_is_ever_logged()
    {
        var logs = new RecordingLoggerProvider(LogLevel.Trace);
        const string turnSecret = "turn-shared-secret-3f9a1c7e5b";
        var server = new One2OneServerFactory { Logs = logs }.WithJwt()
            .WithSetting("Turn:Urls:0", "turn:198.51.100.2:3478?transport=udp")
            .WithSetting("Turn:SharedSecret", turnSecret)
            .WithSetting("Logging:CaptureScopes", "true"); // scopes too, which a deployment may print
        string controlToken;
        var aliceToken = TestTokens.For("alice");
        var bobToken = TestTokens.For("bob");
        var resumeTokens = new List<string>();
        try
        {
            controlToken = server.Services.GetRequiredService<EmbeddedMediaServerHost>().Server.ControlUri.Segments[1].TrimEnd('/');
            var refused = () => SignalingClient.ConnectAsync(server.HubUri, accessToken: TestTokens.For("alice", key: TestTokens.OtherKey));
            await refused.Should().ThrowAsync<HttpRequestException>();

            // Alice's page signs in as browsers do, with the token in the hub's query string.
            var aliceHub = new Uri($"{server.HubUri}?access_token={aliceToken}");
            await using var alice = await SignalingClient.RegisteredAsync(aliceHub, "alice");
            await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, "bob", accessToken: bobToken);
            (await alice.GetIceServersAsync()).IceServers.Should().Contain(s => s.Credential != null,
                "TURN credentials were minted with the secret (at registering and here)");
            await alice.CallAsync("bob", SdpFixtures.RecordedChromium156);
            await bob.ExpectAsync<IncomingCall>();
            await bob.AcceptAsync("alice", SdpFixtures.RecordedChromium156);
            await bob.ExpectAsync<StartCommunication>();
            await alice.WaitForAsync<CallResponse>();
            await alice.StopAsync();
            await bob.WaitForAsync<StopCommunication>();

            // Her page reloads: it resumes with its resume token, and gets a new one.
            resumeTokens.Add(alice.ResumeToken!);
            await alice.DisconnectAsync();
            await using var reloaded = await SignalingClient.ConnectAsync(aliceHub);
            var resumed = await reloaded.ResumeAsync("alice", resumeTokens[0]);
            resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
            resumeTokens.Add(resumed.ResumeToken!);
        }
        finally
        {
            await server.DisposeAsync();
        }

        controlToken.Should().MatchRegex("^[0-9a-f]{32}$");
        var entries = logs.Entries;
        entries.Should().Contain(e => e.Level == LogLevel.Trace, "the capture really ran at Trace");
        entries.Should().Contain(e => e.EventName == "Connecting" && e.Category.StartsWith("One2One.Kurento", StringComparison.Ordinal),
            "the Kurento client's Debug line about its media server address was captured");
        entries.Should().Contain(e => e.OpenedScopeKeys.Any(), "scopes were captured, so the check below reads them");
        var secrets = new[]
        {
            controlToken,
            TestTokens.SigningKey,
            Convert.ToBase64String(Encoding.UTF8.GetBytes(TestTokens.SigningKey)),
            turnSecret,
            aliceToken,
            bobToken,
            resumeTokens[0],
            resumeTokens[1],
        };
        var leaks = entries
            .Where(e => secrets.Any(secret => $"{e.Message} {e.Details} {e.Exception}".Contains(secret, StringComparison.OrdinalIgnoreCase)))
            .Select(e => $"{e.Level} {e.Category} {e.EventName}: {e.Message}")
            .Distinct();
        string.Join(Environment.NewLine, leaks).Should().BeEmpty("no log entry may carry a secret (in its message, structured values, scopes or exception)");
    }
}
