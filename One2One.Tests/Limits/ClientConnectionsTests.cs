using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Limits;
using One2One.Server.Signaling;

namespace One2One.Tests.Limits;

/// <summary>
/// The hub's own hold on an address's connection places: what a connection that got past the HTTP check in a race meets.
/// </summary>
public sealed class ClientConnectionsTests
{
    [Fact]
    public void Past_the_address_limit_a_connection_is_refused_with_the_reason_and_a_removed_one_frees_its_place()
    {
        using var limits = new ClientLimits(Options.Create(new LimitsOptions { ConnectionsPerAddress = 2 }), new LimitsClock(new FakeTimeProvider()), NullLogger<ClientLimits>.Instance);
        var connections = new ClientConnections(limits, NullLogger<ClientConnections>.Instance);

        connections.TryAdd(new Caller("a"), out _).Should().BeTrue();
        connections.TryAdd(new Caller("b"), out _).Should().BeTrue();
        connections.TryAdd(new Caller("c"), out var refusal).Should().BeFalse();

        refusal.Should().Contain("at most 2");
        connections.Count.Should().Be(2, "the refused one is not kept");
        connections.Remove("c");
        connections.TryAdd(new Caller("c"), out _).Should().BeFalse("removing a refused connection gives back no place");
        connections.Remove("a");
        connections.TryAdd(new Caller("c"), out _).Should().BeTrue();
    }

    /// <summary>A hub connection with no HTTP context: every one counts against the same (unknown) address.</summary>
    private sealed class Caller(string id) : HubCallerContext
    {
        public override string ConnectionId => id;

        public override string? UserIdentifier => null;

        public override System.Security.Claims.ClaimsPrincipal? User => null;

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }
}
