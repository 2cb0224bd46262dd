using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Tests.Support;
using static One2One.Tests.Limits.LimitedServer;

namespace One2One.Tests.Limits;

/// <summary>
/// Inputs have explicit sizes: what a reply echoes is shortened, an oversize offer or candidate gets a clear error and
/// leaves nothing behind, and a message beyond the hub's maximum closes the connection (shipped limits: 64 KiB offers,
/// 1 KiB candidates, 132 KiB messages).
/// </summary>
public sealed class InputSizeTests : IAsyncLifetime
{
    private const int MaxSdpOfferBytes = 64 * 1024;
    private readonly One2OneServerFactory _server = Start(new FakeTimeProvider());
    private SignalingClient _alice = null!;
    private SignalingClient _bob = null!;
    private SignalingClient _carol = null!;

    public async Task InitializeAsync()
    {
        _alice = await SignalingClient.RegisteredAsync(_server.HubUri, Names.Unique("alice"));
        _bob = await SignalingClient.RegisteredAsync(_server.HubUri, Names.Unique("bob"));
        _carol = await SignalingClient.RegisteredAsync(_server.HubUri, Names.Unique("carol"), ClientSource.SecondAddress);
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
        await _carol.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_unknown_user_rejection_for_a_huge_name_carries_a_short_message()
    {
        await _alice.CallAsync(new string('x', 100_000), Offer);

        var response = await _alice.ExpectAsync<CallResponse>();
        response.Reason.Should().Be(Reasons.UnknownUser);
        response.Message!.Length.Should().BeLessThan(120);
        response.Message.Should().Contain(new string('x', 64) + "…");
    }

    [Fact]
    public async Task Answering_a_call_from_a_huge_name_fails_with_a_short_message()
    {
        var answer = () => _bob.AnswerAsync(new string('y', 100_000), CallAnswers.Reject, null);

        var error = await answer.Should().ThrowAsync<HubException>();
        error.Which.Message.Length.Should().BeLessThan(300);
    }

    [Fact]
    public async Task An_oversize_offer_is_refused_clearly_and_rings_nobody()
    {
        var call = () => _alice.CallAsync(_bob.Name, Offer + new string('a', MaxSdpOfferBytes));

        (await call.Should().ThrowAsync<HubException>()).WithMessage($"*larger than {MaxSdpOfferBytes} bytes*");
        await _bob.ExpectUndisturbedAsync(_carol);
        await Eventually.TrueAsync(() => _server.Calls.ActiveCallCount == 0 && _server.MediaCounts().Pipelines == 0,
            "the probe call's reserved media is released, and the refused call left nothing");
    }

    [Fact]
    public async Task An_offer_with_control_characters_is_refused_clearly_and_rings_nobody()
    {
        // Each would be six bytes in the media server's request (\u0001): 64 KiB of them, 384 KiB of JSON.
        var call = () => _alice.CallAsync(_bob.Name, Offer + new string('\u0001', 1000));

        (await call.Should().ThrowAsync<HubException>()).WithMessage($"*{HubRejection.InvalidRequest}*control characters*");
        await _bob.ExpectUndisturbedAsync(_carol);
        await Eventually.TrueAsync(() => _server.Calls.ActiveCallCount == 0 && _server.MediaCounts().Pipelines == 0, "the refused call left nothing");
    }

    [Fact]
    public async Task An_answer_offer_with_control_characters_is_refused_and_the_call_still_rings()
    {
        await _alice.CallAsync(_bob.Name, Offer);
        await _bob.ExpectAsync<IncomingCall>();

        var accept = () => _bob.AcceptAsync(_alice.Name!, Offer + "a=x:\u0085\r\n");

        (await accept.Should().ThrowAsync<HubException>()).WithMessage("*control characters*");
        await _bob.AcceptAsync(_alice.Name!, Offer);
        (await _bob.WaitForAsync<StartCommunication>()).Message.SdpAnswer.Should().NotBeNullOrEmpty("the ring waited for a good answer");
    }

    [Fact]
    public async Task An_offer_is_measured_in_bytes_not_characters()
    {
        // 40,000 characters of two bytes each in UTF-8: under the limit in characters, over it in bytes.
        var call = () => _alice.CallAsync(_bob.Name, Offer + new string('é', 40_000));

        (await call.Should().ThrowAsync<HubException>()).WithMessage("*larger than*bytes*");
        _server.Calls.ActiveCallCount.Should().Be(0);
    }

    [Fact]
    public async Task An_oversize_answer_offer_is_refused_and_the_call_still_rings()
    {
        await _alice.CallAsync(_bob.Name, Offer);
        await _bob.ExpectAsync<IncomingCall>();

        var accept = () => _bob.AcceptAsync(_alice.Name!, Offer + new string('a', MaxSdpOfferBytes));

        (await accept.Should().ThrowAsync<HubException>()).WithMessage($"*larger than {MaxSdpOfferBytes} bytes*");
        _server.MediaCounts().Pipelines.Should().Be(1, "the ringing call holds its reservation, and nothing more was built for the refused answer");
        await _alice.StopAsync();
        (await _bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled);
        await Eventually.TrueAsync(() => _server.Calls.ActiveCallCount == 0, "the cancelled call is gone");
    }

    [Fact]
    public async Task An_oversize_candidate_is_refused_clearly_and_leaves_nothing()
    {
        var candidate = new IceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host " + new string('z', 1024), "0", 0);

        var send = () => _alice.SendCandidateAsync(candidate);

        (await send.Should().ThrowAsync<HubException>()).WithMessage("*larger than 1024 bytes*");
        _server.Calls.ActiveCallCount.Should().Be(0);
        _server.MediaCounts().Should().Match<One2One.MediaServer.Hosting.MediaServerCounts>(c => c.Pipelines == 0 && c.Endpoints == 0);
    }

    [Theory]
    [InlineData("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\nfail: a forged log line")]
    [InlineData("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\u001b[1A\u001b[2K")]
    [InlineData("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\u0085")]
    public async Task A_candidate_with_control_characters_is_refused_as_invalid_before_it_reaches_the_call(string line)
    {
        await _alice.CallAsync(_bob.Name, Offer);
        await _bob.ExpectAsync<IncomingCall>();

        var send = () => _alice.SendCandidateAsync(new IceCandidateInit(line, "0", 0));

        (await send.Should().ThrowAsync<HubException>()).WithMessage("*invalid-candidate: *control characters*");
        var midSend = () => _alice.SendCandidateAsync(new IceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0\n", null));
        (await midSend.Should().ThrowAsync<HubException>()).WithMessage("*invalid-candidate: *control characters*");
        await _alice.StopAsync();
        (await _bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled);
    }

    [Fact]
    public async Task A_message_beyond_the_hubs_maximum_closes_only_that_connection()
    {
        await using var mallory = await SignalingClient.RegisteredAsync(_server.HubUri, Names.Unique("mallory"));

        var call = () => mallory.CallAsync(_bob.Name, new string('a', 200 * 1024));

        await call.Should().ThrowAsync<Exception>();
        await Eventually.TrueAsync(() => mallory.State == HubConnectionState.Disconnected, "the server closed the connection");
        await _bob.ExpectUndisturbedAsync(_carol);
    }
}
