using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using One2One.Server.Contracts;
using One2One.Server.Presence;
using One2One.Tests.Limits;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Presence;

/// <summary>
/// Names coming and going in a burst (as when a node's pages all come back at once), over the real hub, heard by a page
/// that reads nothing meanwhile (its socket's receive buffer shrunk, so the server's sends to it stall, as for a page on a
/// slow link) and by one that reads. Before the presence feed each change was a message queued in every page's outbox:
/// the slow page's 16-message outbox (Limits:OutboxCapacity) overflowed and it was disconnected, for reading slowly what
/// it never asked for. Now presence holds one slot of its outbox, and both pages end with the node's list.
/// </summary>
public sealed class PresenceBurstTests
{
    // Each cycle is a join and a leave; 6,000 changes of 64-character names (about 700 KB of messages) are more than the
    // socket and SignalR's buffers take before the sends stall, and more than the feed keeps once they have.
    private const int Cycles = 3000;

    [Fact]
    public async Task A_burst_of_joins_and_leaves_neither_disconnects_a_slow_page_nor_leaves_a_page_with_a_wrong_list()
    {
        var logs = new RecordingLoggerProvider(LogLevel.Warning);
        await using var server = new One2OneServerFactory { Logs = logs, ConfigureServices = WithSmallSendBuffers }
            .WithSetting("Limits:OutboxCapacity", "16");
        server.StartServer();
        await using var reader = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("reader"));
        var slowName = Names.Unique("slow");
        await using var slow = await RawHubClient.RegisteredAsync(server.HubUri, ClientSource.SecondAddress, slowName, receiveBufferSize: 4096);

        await using (var churn = await SignalingClient.ConnectAsync(server.HubUri))
        {
            for (var i = 0; i < Cycles; i++)
            {
                (await churn.RegisterAsync(LongName(i))).Response.Should().Be(Responses.Accepted);
                await churn.UnregisterAsync();
            }
        }

        await using var last = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("last"));

        server.Services.GetRequiredService<One2One.Server.Calls.UserRegistry>().FindByName(slowName)
            .Should().NotBeNull("a page that reads slowly is not disconnected for the names that came and went");
        logs.AtLeast(LogLevel.Warning).Should().NotContain(e => e.EventName == "Aborted");

        // The slow page reads now: everything it was sent, up to the last name's arrival.
        var heard = await SlowPageHearsAsync(slow, until: last.Name!);
        heard.Online.Should().BeEquivalentTo([reader.Name!, last.Name!], "the slow page's list ends as the node's");
        heard.Snapshots.Should().BeGreaterThan(1, "a page further behind than the feed keeps is sent the list as it is");
        heard.Messages.Should().BeLessThan(2 * Cycles, "a page that reads slowly hears of a name once, not of every change");

        // The page that read all along ends with the same list.
        var online = new HashSet<string>(StringComparer.Ordinal);
        while (!online.Contains(last.Name!))
        {
            OnlineList.Apply(online, await reader.NextPresenceAsync(SignalingClient.DefaultWait));
        }

        online.Should().BeEquivalentTo([slowName, last.Name!]);
    }

    // The server's sockets send from an 8 KB buffer instead of the megabytes Linux grows one to, so a page that does not
    // read stalls the server's sends after a hundred kilobytes or so (SignalR's and Kestrel's buffers), not after several
    // megabytes of names. The feed keeps 256 changes, so the stalled page surely falls further behind than it holds.
    private static void WithSmallSendBuffers(IServiceCollection services)
    {
        services.Configure<SocketTransportOptions>(options => options.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            socket.SendBufferSize = 4096;
            return socket;
        });
        services.PostConfigure<PresenceOptions>(options => options.FeedCapacity = 256);
    }

    private static string LongName(int i) => $"churn-{i}-".PadRight(64, 'x');

    private static async Task<(HashSet<string> Online, int Snapshots, int Messages)> SlowPageHearsAsync(RawHubClient page, string until)
    {
        using var timeout = new CancellationTokenSource(Eventually.Limit);
        var online = new HashSet<string>(StringComparer.Ordinal);
        int snapshots = 0, messages = 0;
        while (true)
        {
            var (target, argument) = await page.ReceiveAnyInvocationAsync(timeout.Token);
            messages++;
            if (target == nameof(IOne2OneClient.OnlineUsers))
            {
                snapshots++;
                OnlineList.Apply(online, argument.Deserialize<OnlineUserList>(JsonSerializerOptions.Web)!);
            }
            else if (target == nameof(IOne2OneClient.PresenceChanged))
            {
                OnlineList.Apply(online, argument.Deserialize<PresenceChange>(JsonSerializerOptions.Web)!);
            }

            // The last name joined after the burst: once the page lists it (in a change or a snapshot), nothing else is due.
            if (online.Contains(until))
            {
                return (online, snapshots, messages);
            }
        }
    }
}
