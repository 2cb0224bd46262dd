using System.Net;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Support;

namespace One2One.Tests.Auth;

/// <summary>
/// <c>Auth:Mode=Jwt</c> on the real server over real sockets, through the .NET SignalR client: the hub takes only valid
/// bearer tokens, and a connection registers only the name its token carries.
/// </summary>
public sealed class HubAuthenticationTests : IAsyncLifetime
{
    private readonly One2OneServerFactory _server = new One2OneServerFactory().WithJwt();

    public Task InitializeAsync()
    {
        _server.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Without_a_token_the_connection_is_refused_with_401()
    {
        await ShouldBeRefusedAsync(token: null, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused_with_401()
    {
        await ShouldBeRefusedAsync(TestTokens.For("alice", key: TestTokens.OtherKey), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_401()
    {
        await ShouldBeRefusedAsync(TestTokens.For("alice", expiresIn: TimeSpan.FromMinutes(-5)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_for_another_audience_or_from_another_issuer_is_refused_with_401()
    {
        await ShouldBeRefusedAsync(TestTokens.For("alice", audience: "another-app"), HttpStatusCode.Unauthorized);
        await ShouldBeRefusedAsync(TestTokens.For("alice", issuer: "someone-else"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unsigned_token_is_refused_with_401()
    {
        var signed = TestTokens.For("alice");
        var unsigned = $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{signed.Split('.')[1]}.";

        await ShouldBeRefusedAsync(unsigned, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_valid_token_without_the_name_claim_is_forbidden()
    {
        await ShouldBeRefusedAsync(TestTokens.For(name: null), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_token_for_alice_cannot_register_bob_and_the_refusal_says_why()
    {
        var alice = Names.Unique("alice");
        await using var client = await SignalingClient.ConnectAsync(_server.HubUri, accessToken: TestTokens.For(alice));

        var refused = await client.RegisterAsync(Names.Unique("bob"));

        refused.Response.Should().Be(Responses.Rejected);
        refused.Reason.Should().Be(Reasons.NameNotAllowed);
        refused.Message.Should().Be($"You are signed in as {alice}: that is the only name you may register.");
        (await client.RegisterAsync(alice.ToUpperInvariant())).Response.Should().Be(Responses.Accepted, "names compare regardless of case");
    }

    [Fact]
    public async Task The_token_may_come_in_the_query_string_as_browsers_send_it()
    {
        var alice = Names.Unique("alice");
        var hub = new Uri($"{_server.HubUri}?access_token={TestTokens.For(alice)}");

        await using var client = await SignalingClient.RegisteredAsync(hub, alice);

        client.State.Should().Be(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected);
    }

    [Fact]
    public async Task Valid_tokens_register_their_names_and_a_call_between_them_gets_real_answers()
    {
        var alice = Names.Unique("alice");
        var bob = Names.Unique("bob");
        await using var caller = await SignalingClient.RegisteredAsync(_server.HubUri, alice, accessToken: TestTokens.For(alice));
        await using var callee = await SignalingClient.RegisteredAsync(_server.HubUri, bob, accessToken: TestTokens.For(bob));

        await caller.CallAsync(bob, SdpFixtures.RecordedChromium156);
        (await callee.ExpectAsync<IncomingCall>()).From.Should().Be(alice);
        await callee.AcceptAsync(alice, SdpFixtures.RecordedChromium156);

        (await callee.ExpectAsync<StartCommunication>()).SdpAnswer.Should().Contain("a=ice-lite").And.Contain("VP8/90000");
        var answer = await caller.ExpectAsync<CallResponse>();
        answer.Response.Should().Be(Responses.Accepted);
        answer.SdpAnswer.Should().Contain("a=ice-lite").And.Contain("opus/48000/2");
        await caller.StopAsync();
        (await callee.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
    }

    private async Task ShouldBeRefusedAsync(string? token, HttpStatusCode status)
    {
        var connecting = () => SignalingClient.ConnectAsync(_server.HubUri, accessToken: token);

        (await connecting.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(status);
        _server.Calls.ActiveCallCount.Should().Be(0);
    }

    private static string Base64Url(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
