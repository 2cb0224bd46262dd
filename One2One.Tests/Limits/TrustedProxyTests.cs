using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Limits;

/// <summary>
/// Behind a reverse proxy the client's address comes from X-Forwarded-For, but only from configured proxies. Shown
/// through the per-address limit on registered names, set to one: two names are accepted only from two addresses.
/// </summary>
public sealed class TrustedProxyTests
{
    [Fact]
    public async Task Without_a_trusted_proxy_X_Forwarded_For_is_ignored()
    {
        await using var server = Start();
        await using var first = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("first"), Forwarded("198.51.100.1"));

        var second = await RegisterAsync(server, Forwarded("198.51.100.2"));

        second.Reason.Should().Be(Reasons.RateLimited, "both come from 127.0.0.1, whatever the header says");
    }

    [Fact]
    public async Task X_Forwarded_For_without_a_trusted_proxy_is_pointed_out_once_and_not_when_a_proxy_is_trusted()
    {
        var logs = new RecordingLoggerProvider(LogLevel.Information);
        await using (var server = new One2OneServerFactory { Logs = logs })
        {
            await using var plain = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("plain"));
            logs.Entries.Should().NotContain(e => e.EventName == "ForwardedForIgnored", "no header, no proxy in front");
            await using var first = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("first"), Forwarded("198.51.100.1"));
            await using var second = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("second"), Forwarded("198.51.100.2"));
        }

        var warning = logs.Entries.Should().ContainSingle(e => e.EventName == "ForwardedForIgnored", "once per process, not per request").Subject;
        warning.Level.Should().Be(LogLevel.Warning);
        warning.Message.Should().Contain("ForwardedHeaders:KnownProxies").And.Contain("127.0.0.1");

        var trustedLogs = new RecordingLoggerProvider(LogLevel.Information);
        await using (var trusted = new One2OneServerFactory { Logs = trustedLogs }.WithSetting("ForwardedHeaders:KnownProxies:0", "127.0.0.1"))
        {
            await using var forwarded = await SignalingClient.RegisteredAsync(trusted.HubUri, Names.Unique("forwarded"), Forwarded("198.51.100.1"));
        }

        trustedLogs.Entries.Should().NotContain(e => e.EventName == "ForwardedForIgnored");
    }

    [Fact]
    public async Task From_a_trusted_proxy_each_forwarded_client_is_its_own_address()
    {
        await using var server = Start(("ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        await using var first = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("first"), Forwarded("198.51.100.1"));
        await using var second = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("second"), Forwarded("198.51.100.2"));

        var again = await RegisterAsync(server, Forwarded("198.51.100.1"));

        again.Reason.Should().Be(Reasons.RateLimited, "198.51.100.1 already holds its one name");
    }

    [Fact]
    public async Task A_trusted_network_works_as_a_list_of_proxies()
    {
        await using var server = Start(("ForwardedHeaders:KnownNetworks:0", "127.0.0.0/24"));
        await using var first = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("first"), Forwarded("198.51.100.1"));

        (await RegisterAsync(server, Forwarded("198.51.100.2"))).Response.Should().Be(Responses.Accepted);
    }

    [Fact]
    public async Task X_Forwarded_For_from_a_client_that_is_not_a_trusted_proxy_is_ignored()
    {
        await using var server = Start(("ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        await using var spoofing = await SignalingClient.RegisteredAsync(
            server.HubUri, Names.Unique("spoofing"), ClientSource.SecondAddress with { ForwardedFor = "198.51.100.7" });

        (await RegisterAsync(server, ClientSource.SecondAddress)).Reason.Should().Be(Reasons.RateLimited, "the spoofing client counted as 127.0.0.2");
        (await RegisterAsync(server, Forwarded("198.51.100.7"))).Response.Should().Be(Responses.Accepted, "198.51.100.7 holds no name yet");
    }

    [Fact]
    public async Task An_invalid_proxy_stops_the_server_at_start_with_a_clear_message()
    {
        await using var server = new One2OneServerFactory().WithSetting("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33");

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>().WithMessage("*ForwardedHeaders:KnownNetworks*10.0.0.0/33*CIDR*");
    }

    private static One2OneServerFactory Start(params (string Key, string Value)[] settings)
    {
        var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = new FakeTimeProvider() }.WithSetting("Limits:RegistrationsPerAddress", "1");
        foreach (var (key, value) in settings)
        {
            server.WithSetting(key, value);
        }

        return server;
    }

    private static ClientSource Forwarded(string client) => new(ForwardedFor: client);

    private static async Task<RegisterResponse> RegisterAsync(One2OneServerFactory server, ClientSource source)
    {
        await using var client = await SignalingClient.ConnectAsync(server.HubUri, source);
        return await client.RegisterAsync(Names.Unique("client"));
    }
}
