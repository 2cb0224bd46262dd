using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Limits;

namespace One2One.Tests.Limits;

/// <summary>The clock-driven limiters and the helpers behind the limits, on their own.</summary>
public sealed class LimiterTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_token_bucket_gives_its_capacity_at_once_then_refills_continuously_on_its_clock()
    {
        using var bucket = new TokenBucketLimiter(_clock, capacity: 6, period: TimeSpan.FromMinutes(1));
        for (var i = 0; i < 6; i++)
        {
            bucket.AttemptAcquire().IsAcquired.Should().BeTrue();
        }

        using var refused = bucket.AttemptAcquire();
        refused.IsAcquired.Should().BeFalse();
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(TimeSpan.FromSeconds(10), "one token comes back every 10 s");

        _clock.Advance(TimeSpan.FromSeconds(10));
        bucket.AttemptAcquire().IsAcquired.Should().BeTrue();
        bucket.AttemptAcquire().IsAcquired.Should().BeFalse();
        bucket.IdleDuration.Should().BeNull("a bucket that is not full is not idle");

        _clock.Advance(TimeSpan.FromHours(1));
        bucket.GetStatistics()!.CurrentAvailablePermits.Should().Be(6, "it never holds more than its capacity");
        bucket.IdleDuration.Should().NotBeNull();
    }

    [Fact]
    public void A_sliding_log_allows_its_limit_in_any_window_and_no_more()
    {
        using var log = new SlidingLogLimiter(_clock, limit: 3, window: TimeSpan.FromMinutes(1));
        log.AttemptAcquire().IsAcquired.Should().BeTrue();
        _clock.Advance(TimeSpan.FromSeconds(30));
        log.AttemptAcquire().IsAcquired.Should().BeTrue();
        log.AttemptAcquire().IsAcquired.Should().BeTrue();

        using var refused = log.AttemptAcquire();
        refused.IsAcquired.Should().BeFalse();
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(TimeSpan.FromSeconds(30), "the first grant leaves the window 60 s after it was made");

        _clock.Advance(TimeSpan.FromSeconds(29));
        log.AttemptAcquire().IsAcquired.Should().BeFalse();
        _clock.Advance(TimeSpan.FromSeconds(1));
        log.AttemptAcquire().IsAcquired.Should().BeTrue("one permit came back");
        log.AttemptAcquire().IsAcquired.Should().BeFalse("the two from 30 s ago are still in the window");
        log.IdleDuration.Should().BeNull();
        _clock.Advance(TimeSpan.FromMinutes(1));
        log.IdleDuration.Should().NotBeNull();
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7", "192.0.2.7")]
    [InlineData("::1", "::1", "::1")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64", "2001:db8:1::/48")]
    [InlineData("2001:db8:1:ff02::1", "2001:db8:1:ff02::/64", "2001:db8:1::/48")]
    public void A_client_address_is_an_IPv4_address_or_an_IPv6_slash_64_in_its_slash_48(string address, string key, string network)
    {
        var client = ClientAddress.From(IPAddress.Parse(address));

        client.Key.Should().Be(key);
        client.Network.Key.Should().Be(network);
        client.HasWiderNetwork.Should().Be(key != network);
    }

    [Fact]
    public void Connection_attempts_are_counted_per_IPv6_slash_48_too()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new LimitsOptions { ConnectionAttemptsPerAddressPerMinute = 1 });
        using var limits = new ClientLimits(options, new LimitsClock(_clock), Microsoft.Extensions.Logging.Abstractions.NullLogger<ClientLimits>.Instance);
        for (var i = 0; i < ClientAddress.NetworkShare; i++)
        {
            limits.TryStartConnection(ClientAddress.From(IPAddress.Parse($"2001:db8:9:{i + 1:x}::1")), out _).Should().BeTrue();
        }

        limits.TryStartConnection(ClientAddress.From(IPAddress.Parse("2001:db8:9:ff::1")), out var refusal).Should().BeFalse("its /48 spent its share");
        refusal.Should().Contain("Too many connection attempts");
        limits.TryStartConnection(ClientAddress.From(IPAddress.Parse("2001:db8:a:1::1")), out _).Should().BeTrue("another /48");
        limits.TryStartConnection(ClientAddress.From(IPAddress.Parse("192.0.2.1")), out _).Should().BeTrue();
        limits.TryStartConnection(ClientAddress.From(IPAddress.Parse("192.0.2.1")), out _).Should().BeFalse("an IPv4 address has its own budget");
    }

    [Fact]
    public void A_refusal_names_the_limit_that_refused_the_addresses_or_its_slash_48s()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new LimitsOptions { CallsPerAddress = 1 });
        using var limits = new ClientLimits(options, new LimitsClock(_clock), Microsoft.Extensions.Logging.Abstractions.NullLogger<ClientLimits>.Instance);
        for (var i = 0; i < ClientAddress.NetworkShare; i++)
        {
            limits.TryHoldCall($"call-{i}", ClientAddress.From(IPAddress.Parse($"2001:db8:7:{i + 1:x}::1")), out _).Should().BeTrue();
        }

        limits.TryHoldCall("again", ClientAddress.From(IPAddress.Parse("2001:db8:7:1::2")), out var byAddress).Should().BeFalse();
        limits.TryHoldCall("another", ClientAddress.From(IPAddress.Parse("2001:db8:7:ff::1")), out var byNetwork).Should().BeFalse();

        byAddress.Should().Be("Too many calls from your network address are in progress (at most 1); try again when one ends.");
        byNetwork.Should().Be(
            $"Too many calls from your network (2001:db8:7::/48, counted as a whole) are in progress (at most {ClientAddress.NetworkShare}); try again when one ends.");
    }

    [Fact]
    public void An_IPv6_slash_48_holds_at_most_its_share_of_an_address_quota_and_gives_places_back_with_them()
    {
        using var quota = new AddressQuota(limit: 2);
        var limit = 2 * ClientAddress.NetworkShare;
        for (var i = 0; i < limit; i++)
        {
            var prefix = ClientAddress.From(IPAddress.Parse($"2001:db8:7:{i + 1:x}::1"));
            quota.TryTake($"holder-{i}", prefix).Should().BeTrue($"the {i + 1}th place of the /48");
        }

        var another64 = ClientAddress.From(IPAddress.Parse("2001:db8:7:ff::1"));
        quota.IsFull(another64).Should().BeTrue("its /48 is full even though the /64 holds nothing");
        quota.TryTake("one-more", another64).Should().BeFalse();
        quota.TryTake("elsewhere", ClientAddress.From(IPAddress.Parse("2001:db8:8:1::1"))).Should().BeTrue("another /48");
        quota.GiveBack("holder-0");
        quota.TryTake("one-more", another64).Should().BeTrue("a place given back frees its /48's too");
        quota.TryTake("third", ClientAddress.From(IPAddress.Parse("2001:db8:7:2::2"))).Should().BeFalse("the /48 is full again");
    }

    [Fact]
    public void Echoed_text_is_cut_to_64_characters_without_splitting_a_surrogate_pair()
    {
        EchoedText.Shorten("  bob  ").Should().Be("bob");
        EchoedText.Shorten(new string('x', 64)).Should().Be(new string('x', 64));
        EchoedText.Shorten(new string('x', 100_000)).Should().Be(new string('x', 64) + "…");
        EchoedText.Shorten(new string('x', 63) + "😀😀").Should().Be(new string('x', 63) + "…");
        EchoedText.Shorten(null).Should().BeEmpty();
    }

    [Fact]
    public void Text_for_a_log_line_is_cut_and_writes_line_breaks_terminal_escapes_and_bidirectional_overrides_as_escapes()
    {
        EchoedText.Escaped("candidate:1 1 udp 1 127.0.0.1 5 typ host").Should().Be("candidate:1 1 udp 1 127.0.0.1 5 typ host");
        EchoedText.Escaped("a\r\nfail: forged line").Should().Be("a\\u000D\\u000Afail: forged line");
        EchoedText.Escaped("\u001b[2Kgone").Should().Be("\\u001B[2Kgone");
        EchoedText.Escaped("evil\u202Egnp.exe").Should().Be("evil\\u202Egnp.exe");
        EchoedText.Escaped(new string('x', 100), 10).Should().Be(new string('x', 10) + "…");
        EchoedText.Escaped(null).Should().BeEmpty();
    }

    [Fact]
    public void Disposing_the_request_limiter_disposes_both_limiters_of_its_chain_and_so_their_housekeeping_timers()
    {
        var limiter = new RequestRateLimiter(Microsoft.Extensions.Options.Options.Create(new LimitsOptions()), new LimitsClock(_clock));
        limiter.TryAcquire(LimitedRequest.Call, "connection-1", ClientAddress.From(IPAddress.Loopback), out _).Should().BeTrue();

        limiter.Dispose();

        limiter.Parts.Should().HaveCount(2).And.AllSatisfy(part =>
            part.Invoking(p => p.AttemptAcquire(default)).Should().Throw<ObjectDisposedException>("a partitioned limiter left undisposed keeps its timer, and itself, alive for ever"));
    }

    [Fact]
    public void Ring_cool_downs_end_on_their_clock_and_ended_ones_are_swept_as_new_ones_come()
    {
        var cooldowns = new RingCooldowns(_clock, TimeSpan.FromMinutes(1));
        var caller = ClientAddress.From(IPAddress.Parse("192.0.2.7"));
        for (var i = 0; i < 1000; i++)
        {
            cooldowns.Start(caller, "mallory", $"callee{i}");
        }

        cooldowns.IsCooling(caller, "MALLORY", "CALLEE7", out var left).Should().BeTrue("names regardless of case");
        cooldowns.IsCooling(caller, "carol", "callee7", out _).Should().BeFalse("another caller behind the same address");
        left.Should().Be(TimeSpan.FromMinutes(1));
        cooldowns.IsCooling(ClientAddress.From(IPAddress.Parse("192.0.2.8")), "mallory", "callee7", out _).Should().BeFalse("another address");
        _clock.Advance(TimeSpan.FromMinutes(1));
        cooldowns.IsCooling(caller, "mallory", "callee8", out _).Should().BeFalse();
        for (var i = 0; i < 100; i++)
        {
            cooldowns.Start(caller, "mallory", $"later{i}");
        }

        cooldowns.Count.Should().Be(100, "the 999 ended ones were swept once the dictionary reached its sweep size");
    }
}
