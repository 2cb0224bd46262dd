using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.MediaServer;
using One2One.MediaServer.Protocol;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>A session's collection after its socket went, against a collect timer that fired as the client came back.</summary>
public sealed class KurentoSessionCollectTests
{
    [Fact]
    public void A_collect_timer_that_fired_as_the_client_came_back_does_not_collect_the_session_when_the_client_drops_again()
    {
        // The collect timer fires at the end of SessionCollectTimeout just as the app server reconnects (its callback queued
        // on the thread pool, past the disposal), and the new socket drops before the callback runs: collecting then would
        // release everything the session holds (an app server's every call) with no time to come back.
        var timers = new DeferredTimers();
        var registry = new KurentoSessionRegistry(timers, Options.Create(new MediaServerOptions()), NullLogger<KurentoSessionRegistry>.Instance);
        var session = registry.Create();
        var first = Connection(registry, timers);
        registry.Bind(first, session).Should().BeTrue();
        registry.Unbind(first);

        timers.Fire();
        var second = Connection(registry, timers);
        registry.Bind(second, session).Should().BeTrue("the client came back in time");
        registry.Unbind(second);
        timers.RunFired();

        session.IsClosed.Should().BeFalse("the session lost its socket a moment ago: it has its whole collect timeout again");
        registry.TryGet(session.Id, out _).Should().BeTrue();

        timers.Fire();
        timers.RunFired();
        session.IsClosed.Should().BeTrue("the second timeout passed without the client");
    }

    private static ControlConnection Connection(KurentoSessionRegistry registry, TimeProvider time) =>
        new(WebSocket.CreateFromStream(Stream.Null, new WebSocketCreationOptions { IsServer = true }), null!, registry, new MediaServerOptions(), time, NullLogger.Instance, CancellationToken.None);
}
