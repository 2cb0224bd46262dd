using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Server.Signaling;
using One2One.Tests.Support;
using static One2One.Tests.Limits.LimitedServer;

namespace One2One.Tests.Limits;

/// <summary>An idle user's outbox holds no send loop (it would cost every registered connection about 1 KiB) and no
/// queue, and it starts a loop again for each message, in order.</summary>
public sealed class OutboxSendLoopTests
{
    [Fact]
    public async Task An_idle_outbox_holds_no_send_loop_or_queue_and_sends_again_when_a_message_comes()
    {
        await using var server = Start(new FakeTimeProvider());
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        var bobsOutbox = (ClientOutbox)server.Users().FindByName(bob.Name!)!.Outbox;
        await Eventually.TrueAsync(() => bobsOutbox.IsIdle, "the registration's answer is sent and nothing else waits");

        await alice.CallAsync(bob.Name, Offer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be(alice.Name);
        await alice.StopAsync();
        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled, "it follows the ring it ends");

        await Eventually.TrueAsync(() => bobsOutbox.IsIdle, "the loop ends and the queue goes once the outbox is empty");
    }
}
