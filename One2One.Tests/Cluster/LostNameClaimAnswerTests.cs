using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// A registration whose claim on the name was made but whose answer never came back (a grain call timing out after the
/// claim was written): the person hears server-busy, and the claim the node does not know it holds must not keep the
/// name taken by nobody. Real nodes over a real Redis; the lost answer is made by an Orleans call filter on the way out
/// (<see cref="SlowDeliveries"/>): it cannot be caused at will.
/// </summary>
public sealed class LostNameClaimAnswerTests() : ScriptedTwoNodeTests(TimeSpan.FromMilliseconds(200))
{
    [Fact]
    public async Task A_claim_whose_answer_was_lost_is_freed_so_the_name_can_be_registered_on_either_node()
    {
        Deliveries.Interface = typeof(INameClaimGrain);
        Deliveries.Method = nameof(INameClaimGrain.TryClaim);
        Deliveries.LoseAnswerOfNext(1);
        await using var first = await SignalingClient.ConnectAsync(Cluster.A.HubUri);

        var refused = await first.RegisterAsync("bob");

        refused.Should().Match<RegisterResponse>(r => r.Response == Responses.Rejected && r.Reason == Reasons.ServerBusy);
        Deliveries.Arrived.Should().Be(1, "the claim was made; only its answer was lost");
        await using var onB = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        await Eventually.TrueAsync(async () => await Claims(Cluster.B).LastClaimAsync("bob") is null, "the lost claim is freed");
        (await onB.RegisterAsync("BOB")).Response.Should().Be(Responses.Accepted, "nobody holds the name");
        (await first.RegisterAsync("bob")).Reason.Should().Be(Reasons.NameTaken, "BOB on B holds it now");
    }

    [Fact]
    public async Task A_name_whose_release_failed_when_its_holder_left_is_freed_by_a_later_attempt()
    {
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "bob");
        Deliveries.Interface = typeof(INameClaimGrain);
        Deliveries.Method = nameof(INameClaimGrain.Release);
        Deliveries.FailNext(1);

        await bob.UnregisterAsync();

        await Eventually.TrueAsync(async () => await Claims(Cluster.B).LastClaimAsync("bob") is null, "the name is freed by the next attempt");
        await using var onB = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        (await onB.RegisterAsync("bob")).Response.Should().Be(Responses.Accepted);
    }

    private static NameClaims Claims(One2OneServerFactory node) =>
        node.Services.GetRequiredService<NameClaims>();
}
