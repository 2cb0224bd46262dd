using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Elements;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.BadInput;

/// <summary>A browser's connectivity checks captured and replayed from another address must not move the call's media.</summary>
public sealed class ReplayedCheckTests : IAsyncLifetime
{
    private readonly RelayRig _rig = RelayRig.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Checks_replayed_from_another_address_are_dropped_and_counted_and_media_stays_with_the_browser()
    {
        var (a, b) = await _rig.CallAsync();
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var checks = a.Browser.SentChecks.ToArray();
        checks.Count(IsNomination).Should().Be(1, "A's browser nominated with one of them");

        foreach (var check in checks)
        {
            attacker.SendTo(check, new IPEndPoint(IPAddress.Loopback, a.Session.Transport.LocalPort));
        }

        await Eventually.TrueAsync(() => a.Session.Transport.Counters.Unauthenticated == checks.Length, "each replay is counted");
        attacker.Available.Should().Be(0, "a replay is not answered");
        a.Session.Transport.Ice.SelectedEndPoint.Should().Be(a.Browser.LocalEndPoint);
        b.Browser.SendRtp(KurentoMediaType.Audio, 1, 0, false, new byte[20]);
        (await a.Browser.NextRtpAsync("B's audio still goes to A's browser")).SequenceNumber.Should().Be(1);
        a.Events.OfType<CandidatePairSelected>().Should().ContainSingle("the replayed nomination selected nothing");
    }

    private static bool IsNomination(byte[] check) => new ReceivedStun(check).Message.UseCandidate;
}
