using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Rtc.Stun;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// The endpoint's DTLS records go where the browser is now: a browser that nominates a new path without an ICE restart
/// (a network change, a NAT rebinding) gets the endpoint's close_notify there at hang-up, not on the path it left.
/// </summary>
public sealed class RelayDtlsPathTests : IAsyncLifetime
{
    private const byte AlertContentType = 21;

    private readonly RelayRig _rig = RelayRig.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _rig.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task The_close_notify_at_release_goes_to_the_path_the_browser_nominated_after_its_handshake()
    {
        var (a, _) = await _rig.CallAsync();
        using var moved = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        moved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = new IPEndPoint(IPAddress.Loopback, a.Session.Transport.LocalPort);
        var check = new byte[StunWriter.MaxLength];
        var answer = a.Browser.Answer!;
        var length = SimulatedBrowser.WriteCheck(check, $"{answer.Ufrag}:{a.Browser.Offer.Ufrag}", answer.Password, useCandidate: true, out _);

        await moved.SendToAsync(check.AsMemory(0, length), endpoint);
        var received = new byte[2048];
        var stun = await ReceiveAsync(moved, received, "the check from the new address is answered");
        StunMessage.TryParse(received.AsSpan(0, stun), out _).Should().BeTrue();
        await Eventually.TrueAsync(() => Equals(a.Session.Transport.Ice.SelectedEndPoint, moved.LocalEndPoint), "the new path is nominated");

        await a.Session.DisposeAsync();

        var record = await ReceiveAsync(moved, received, "the endpoint's close_notify reaches the browser where it is now");
        record.Should().BeGreaterThan(13, "a DTLS record");
        received[0].Should().Be(AlertContentType, "an alert (close_notify, encrypted under epoch 1)");
    }

    private static async Task<int> ReceiveAsync(Socket socket, byte[] buffer, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"Nothing arrived within 5 s: expected {what}.");
        }
    }
}
