using System.Collections.Immutable;
using One2One.Server.Calls;
using One2One.Server.Cluster;

namespace One2One.Tests.Cluster;

/// <summary>
/// What a call's home sends a page whose registration is moving to this node, in the moment before it is registered
/// here: kept, then handed over in order, before anything sent after.
/// </summary>
public sealed class ArrivalTests
{
    private static readonly CallMember Bob = new("call-1", "bob", "reg-bob");

    [Fact]
    public void What_comes_before_the_registration_is_handed_over_in_order_when_it_completes_and_what_comes_after_follows()
    {
        var arrival = new Arrival();
        var delivered = new List<string?>();

        arrival.TryDeliver(Batch(Message("1"))).Should().BeTrue();
        arrival.TryDeliver(Batch(Message("2"), Message("3"))).Should().BeTrue();
        delivered.Should().BeEmpty("bob is not registered here yet");

        arrival.Complete(batch => delivered.AddRange(batch.Messages.Select(m => m.Json)));
        arrival.TryDeliver(Batch(Message("4"))).Should().BeTrue();

        delivered.Should().Equal("1", "2", "3", "4");
    }

    [Fact]
    public void An_abandoned_arrival_keeps_nothing_and_says_nobody_is_coming()
    {
        var arrival = new Arrival();
        arrival.TryDeliver(Batch(Message("1")));

        arrival.Abandon();

        arrival.TryDeliver(Batch(Message("2"))).Should().BeFalse("the resume failed: the caller delivers as if there were no arrival");
        var delivered = new List<string?>();
        arrival.Complete(batch => delivered.AddRange(batch.Messages.Select(m => m.Json)));
        delivered.Should().BeEmpty();
    }

    [Fact]
    public void It_keeps_at_most_its_capacity()
    {
        var arrival = new Arrival();
        for (var i = 0; i < Arrival.Capacity + 10; i++)
        {
            arrival.TryDeliver(Batch(Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        var delivered = 0;
        arrival.Complete(batch => delivered += batch.Messages.Length);
        delivered.Should().Be(Arrival.Capacity);
    }

    private long _batches;

    private MemberBatch Batch(params ClientDelivery[] messages) => new(Bob, new DeliveryBatch(Guid.Empty, ++_batches), [.. messages]);

    private static ClientDelivery Message(string json) => new(ClientMethod.IceCandidate, json);
}
