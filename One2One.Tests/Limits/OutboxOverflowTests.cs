using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;
using static One2One.Tests.Limits.LimitedServer;

namespace One2One.Tests.Limits;

/// <summary>A client that lets its outbox fill is disconnected with a logged reason, and its call ends as a disconnect would.</summary>
public sealed class OutboxOverflowTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_and_its_call_ends_for_the_peer()
    {
        await using var server = Start(new FakeTimeProvider(), ("OutboxCapacity", 16));
        var logs = new RecordingLoggerProvider(LogLevel.Warning);
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        var slowName = Names.Unique("slow");
        await using var slow = await RawHubClient.RegisteredAsync(server.HubUri, ClientSource.SecondAddress, slowName, receiveBufferSize: 4096);
        await slow.SendAsync(RawHubClient.Invocation("Call", bob.Name, Offer), CancellationToken.None);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be(slowName);

        // Each call to nobody queues a rejection in its outbox, and it reads none of them.
        var nobody = RawHubClient.Invocation("Call", "nobody", "v=0");
        using var stop = new CancellationTokenSource(Eventually.Limit);
        var flood = slow.FloodAsync(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(nobody, 1000))), long.MaxValue, stop.Token);

        var ended = await bob.ExpectAsync<StopCommunication>();
        ended.Reason.Should().Be(Reasons.PeerDisconnected);
        server.Users().FindByName(slowName).Should().BeNull("the name is freed as for any disconnect");
        logs.AtLeast(LogLevel.Warning).Should().ContainSingle(e => e.EventName == "Aborted")
            .Which.Message.Should().Contain("127.0.0.2").And.Contain("16 messages unread");
        await stop.CancelAsync();
        await flood;
    }
}
