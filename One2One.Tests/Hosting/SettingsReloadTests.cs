using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Support;

namespace One2One.Tests.Hosting;

/// <summary>
/// The settings file is watched while the node runs (appsettings.json is, by default) and the Calls section is read
/// again on a change: an operator's mistake in it must not stop the node or its calls.
/// </summary>
public sealed class SettingsReloadTests : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3); // the file watcher waits 250 ms before it reloads

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"one2one-settings-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task An_invalid_calls_section_written_while_the_node_runs_is_refused_and_the_last_valid_one_kept()
    {
        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "00:00:30" } }""");
        var logs = new RecordingLoggerProvider(LogLevel.Warning);
        await using var app = new One2OneServerFactory { WatchedSettingsFile = _file, Logs = logs };
        await using var alice = await SignalingClient.RegisteredAsync(app.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(app.HubUri, "bob");
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var calls = app.Services.GetRequiredService<IOptionsMonitor<CallOptions>>();

        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "00:00:00" } }""");
        await Task.Delay(Settle);

        stopping.IsCancellationRequested.Should().BeFalse("a settings mistake does not stop the node");
        calls.CurrentValue.RingingTimeout.Should().Be(TimeSpan.FromSeconds(30), "the last valid settings stay");
        logs.Entries.Should().Contain(e => e.EventName == "SettingsChangeRefused" && e.Message.Contains("Calls:RingingTimeout", StringComparison.Ordinal));
        await alice.CallAsync("bob", SdpFixtures.RecordedChromium156);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice", "calls go on");

        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "30s" } }""");
        await Task.Delay(Settle);
        stopping.IsCancellationRequested.Should().BeFalse("a value that is not even a TimeSpan does not stop the node either");
        calls.CurrentValue.RingingTimeout.Should().Be(TimeSpan.FromSeconds(30));
        logs.Entries.Should().Contain(e => e.EventName == "SettingsChangeRefused" && e.Message.Contains("30s", StringComparison.Ordinal));

        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "00:00:45" } }""");
        await Eventually.TrueAsync(() => calls.CurrentValue.RingingTimeout == TimeSpan.FromSeconds(45), "a valid change is taken");
        stopping.IsCancellationRequested.Should().BeFalse();
    }

    [Fact]
    public async Task A_ring_in_progress_keeps_the_ringing_timeout_it_started_with_for_the_cool_down_after_a_cancel()
    {
        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "00:00:30" } }""");
        var clock = new FakeTimeProvider();
        await using var app = new One2OneServerFactory { WatchedSettingsFile = _file, ShippedLimits = true, CallClock = clock, LimitsClock = clock };
        await using var alice = await SignalingClient.RegisteredAsync(app.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(app.HubUri, "bob");
        var calls = app.Services.GetRequiredService<IOptionsMonitor<CallOptions>>();
        await alice.CallAsync("bob", SdpFixtures.RecordedChromium156);
        await bob.ExpectAsync<IncomingCall>();

        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "00:00:10" } }""");
        await Eventually.TrueAsync(() => calls.CurrentValue.RingingTimeout == TimeSpan.FromSeconds(10), "the change is taken");
        clock.Advance(TimeSpan.FromSeconds(6));
        await alice.StopAsync();
        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled);

        // Cancelled after 6 s of a ring of 30 s: not unanswered (that takes half of it), so no cool-down.
        await alice.CallAsync("bob", SdpFixtures.RecordedChromium156);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice", "a ring cancelled early costs no wait");
    }

    [Fact]
    public async Task Orleans_membership_settings_written_while_the_node_runs_change_nothing_and_a_mistake_in_them_stops_nothing()
    {
        await File.WriteAllTextAsync(_file, """{ "Cluster": { "Membership": { "ProbeTimeout": "00:00:02" } } }""");
        await using var app = new One2OneServerFactory { WatchedSettingsFile = _file };
        await using var alice = await SignalingClient.RegisteredAsync(app.HubUri, "alice");
        var membership = app.Services.GetRequiredService<IOptionsMonitor<ClusterMembershipOptions>>();
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        membership.CurrentValue.ProbeTimeout.Should().Be(TimeSpan.FromSeconds(2));

        // Orleans reads these on every membership change and stops the node on any error it meets there.
        await File.WriteAllTextAsync(_file, """{ "Cluster": { "Membership": { "ProbeTimeout": "2s" } } }""");
        await Task.Delay(Settle);
        var read = () => membership.CurrentValue.ProbeTimeout;
        read.Should().NotThrow("read at start only").Which.Should().Be(TimeSpan.FromSeconds(2));

        await File.WriteAllTextAsync(_file, """{ "Cluster": { "Membership": { "ProbeTimeout": "00:00:05" } } }""");
        await Task.Delay(Settle);
        membership.CurrentValue.ProbeTimeout.Should().Be(TimeSpan.FromSeconds(2), "a restart applies it, as the README says");
        stopping.IsCancellationRequested.Should().BeFalse();
    }

    public void Dispose() => File.Delete(_file);
}
