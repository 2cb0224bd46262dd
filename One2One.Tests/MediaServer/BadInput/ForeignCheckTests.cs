using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Stun;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.BadInput;

/// <summary>
/// On the shared port a check names its endpoint by USERNAME. One that names another call's endpoint under the wrong
/// password, sent by a browser of another call or by a stranger, gets no answer and changes nothing for anyone.
/// "No answer" is shown by a later check on the same path being answered first.
/// </summary>
public sealed class ForeignCheckTests : IAsyncLifetime
{
    private const string WrongPassword = "not-the-password-0123456789";

    private readonly RelayRig _rig = RelayRig.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_check_with_another_endpoints_username_and_a_wrong_password_gets_no_answer_and_changes_nothing()
    {
        var (a, b) = await _rig.CallAsync();
        var (c, d) = await _rig.CallAsync();
        var fence = _rig.Negotiate();
        var transport = a.Session.Transport;
        var selected = transport.Ice.Selected;
        var eventsOfA = a.Events.Events.Count;
        var port = new IPEndPoint(IPAddress.Loopback, transport.LocalPort);
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        stranger.Connect(port);
        stranger.ReceiveTimeout = (int)SimulatedBrowser.Timeout.TotalMilliseconds;

        // From C's browser, whose address the port knows as C's: A's ufrag, a wrong password, a nomination.
        var foreign = c.Browser.SendCheck($"{transport.Ice.Local.Ufrag}:{c.Browser.Offer.Ufrag}", WrongPassword, useCandidate: true);
        (await c.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse, "C's own checks still pass");
        c.Browser.ReceivedStun.Select(m => new ReceivedStun(m).Message.TransactionId.ToArray()).Should().NotContain(t => t.SequenceEqual(foreign),
            "the check under A's ufrag was not answered");

        // From a stranger; the fence is an answer from another endpoint, which the stranger may check with.
        var request = new byte[StunWriter.MaxLength];
        stranger.Send(request.AsSpan(0, SimulatedBrowser.WriteCheck(request, $"{transport.Ice.Local.Ufrag}:x", WrongPassword, useCandidate: true, out _)));
        stranger.Send(request.AsSpan(0, SimulatedBrowser.WriteCheck(request, $"{fence.Browser.Answer!.Ufrag}:x", fence.Browser.Answer.Password, useCandidate: false, out var fenceCheck)));
        var answer = new byte[512];
        var length = stranger.Receive(answer);
        new ReceivedStun(answer[..length]).Message.TransactionId.ToArray().Should().Equal(fenceCheck, "the stranger's check under A's ufrag was not answered");

        await Eventually.TrueAsync(() => transport.Counters.Unauthenticated == 2, "both are counted as refused by the endpoint they named");
        transport.Ice.Selected.Should().BeSameAs(selected, "A's media still goes to A's browser");
        transport.Counters.NotValidated.Should().Be(0);
        a.Events.Events.Count.Should().Be(eventsOfA, "A reported nothing: no ICE state, no new pair");

        // Neither sender's address became A's: the stranger's SRTP goes to the endpoint it passed a check with (which
        // has no keys yet), C's media still goes to D.
        var droppedByA = transport.Counters.TotalDropped;
        stranger.Send(a.Browser.ProtectRtp(a.Browser.Rtp(KurentoMediaType.Audio, 500, 0, false, new byte[20])));
        await Eventually.TrueAsync(() => fence.Session.Transport.Counters.NotSecured == 1, "the stranger's SRTP reaches the endpoint it checked with");
        transport.Counters.TotalDropped.Should().Be(droppedByA);
        c.Browser.SendRtp(KurentoMediaType.Video, 7, 0, true, new byte[100]);
        (await d.Browser.NextRtpAsync("C's video")).SequenceNumber.Should().Be(7);
        a.Browser.SendRtp(KurentoMediaType.Audio, 8, 0, false, new byte[20]);
        (await b.Browser.NextRtpAsync("A's audio")).SequenceNumber.Should().Be(8);
        b.Browser.SendRtp(KurentoMediaType.Audio, 9, 0, false, new byte[20]);
        (await a.Browser.NextRtpAsync("B's audio")).SequenceNumber.Should().Be(9);
    }
}
