using System.Globalization;
using System.Net;
using One2One.MediaServer.Elements;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Observability.Support;

/// <summary>
/// A whole call as browsers make it, through the real server: two people registered over SignalR, each with a
/// simulated browser that offers like Chromium, takes the media server's answer and candidate, passes ICE and DTLS
/// and sends SRTP that the embedded media server relays to the other.
/// </summary>
internal sealed class MediaCall : IAsyncDisposable
{
    private MediaCall(SignalingClient caller, SignalingClient callee)
    {
        Caller = caller;
        Callee = callee;
    }

    public SignalingClient Caller { get; }

    public SignalingClient Callee { get; }

    public SimulatedBrowser CallerBrowser { get; } = new();

    public SimulatedBrowser CalleeBrowser { get; } = new();

    /// <summary>The media server's address for the caller's browser (its endpoint's candidate).</summary>
    public IPEndPoint? CallerEndpoint { get; private set; }

    public static Task<MediaCall> RegisterAsync(Uri hubUri, string caller, string callee) => RegisterAsync(hubUri, hubUri, caller, callee);

    /// <summary>The caller registered on the server at <paramref name="callerHub"/>, the callee at <paramref name="calleeHub"/>.</summary>
    public static async Task<MediaCall> RegisterAsync(Uri callerHub, Uri calleeHub, string caller, string callee) =>
        new(await SignalingClient.RegisteredAsync(callerHub, caller), await SignalingClient.RegisteredAsync(calleeHub, callee));

    /// <summary>Calls, accepts, and brings both browsers' media up: answers, candidates, ICE, DTLS.</summary>
    public async Task ConnectAsync()
    {
        await Caller.CallAsync(Callee.Name, CallerBrowser.OfferSdp);
        await Callee.ExpectAsync<IncomingCall>();
        await Callee.AcceptAsync(Caller.Name!, CalleeBrowser.OfferSdp);

        var calleeAnswer = await Callee.ExpectAsync<StartCommunication>();
        var calleeCandidate = await Callee.ExpectAsync<IceCandidate>();
        var callerAnswer = await Caller.ExpectAsync<CallResponse>();
        callerAnswer.Response.Should().Be(Responses.Accepted, callerAnswer.Message);
        var callerCandidate = await Caller.ExpectAsync<IceCandidate>();

        CallerEndpoint = EndpointOf(callerCandidate);
        CallerBrowser.AcceptAnswer(callerAnswer.SdpAnswer!, CallerEndpoint);
        CalleeBrowser.AcceptAnswer(calleeAnswer.SdpAnswer, EndpointOf(calleeCandidate));
        await CallerBrowser.CompleteIceAsync();
        await CalleeBrowser.CompleteIceAsync();
        await Task.WhenAll(CallerBrowser.CompleteDtlsAsync(), CalleeBrowser.CompleteDtlsAsync());
    }

    /// <summary>Each browser sends <paramref name="packets"/> video packets of <paramref name="payloadBytes"/> bytes; each receives the other's.</summary>
    public async Task ExchangeVideoAsync(int packets, int payloadBytes = 1000)
    {
        // The media server installs its SRTP keys a moment after the browser has its own: until both endpoints of the
        // call have them, a packet is dropped (not-secured, send-failed). Nothing tells a browser when that is done.
        await SendUntilRelayedAsync(CallerBrowser, CalleeBrowser);
        await SendUntilRelayedAsync(CalleeBrowser, CallerBrowser);
        for (var i = 0; i < packets; i++)
        {
            CallerBrowser.SendRtp(KurentoMediaType.Video, (ushort)(100 + i), (uint)(3000 * i), i == packets - 1, new byte[payloadBytes]);
            CalleeBrowser.SendRtp(KurentoMediaType.Video, (ushort)(500 + i), (uint)(3000 * i), i == packets - 1, new byte[payloadBytes]);
        }

        for (var i = 0; i < packets; i++)
        {
            await CalleeBrowser.NextRtpAsync("from the caller, through the relay");
            await CallerBrowser.NextRtpAsync("from the callee, through the relay");
        }
    }

    /// <summary>About 20 ms of what browsers send, from both: an audio packet, and a video packet three ticks in five.</summary>
    public void SendTick(ushort tick)
    {
        foreach (var browser in (ReadOnlySpan<SimulatedBrowser>)[CallerBrowser, CalleeBrowser])
        {
            browser.SendRtp(KurentoMediaType.Audio, tick, tick * 960u, false, new byte[120]);
            if (tick % 5 < 3)
            {
                browser.SendRtp(KurentoMediaType.Video, tick, tick * 1500u, tick % 5 == 2, new byte[1000]);
            }
        }
    }

    /// <summary>ICE consent freshness (RFC 7675): both browsers check again, as browsers do every few seconds.</summary>
    public async Task RefreshConsentAsync()
    {
        await CallerBrowser.CheckAsync(useCandidate: true);
        await CalleeBrowser.CheckAsync(useCandidate: true);
    }

    /// <summary>The caller hangs up; the callee is told.</summary>
    public async Task HangUpAsync()
    {
        await Caller.StopAsync();
        (await Callee.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
    }

    public async ValueTask DisposeAsync()
    {
        await Caller.DisposeAsync();
        await Callee.DisposeAsync();
        await CallerBrowser.DisposeAsync();
        await CalleeBrowser.DisposeAsync();
    }

    /// <summary>
    /// The caller's page comes back with a new RTCPeerConnection (here a new simulated browser on a new port, as after a
    /// network change): it offers again, takes the new answer and candidate, and passes ICE and DTLS with the new endpoint.
    /// </summary>
    public async Task<SimulatedBrowser> CallerRenegotiatesAsync()
    {
        var browser = new SimulatedBrowser();
        await Caller.RenegotiateAsync(browser.OfferSdp);
        var (answer, _) = await Caller.WaitForAsync<Renegotiated>();
        var (candidate, _) = await Caller.WaitForAsync<IceCandidate>();
        browser.AcceptAnswer(answer.SdpAnswer, EndpointOf(candidate));
        await browser.CompleteIceAsync();
        await browser.CompleteDtlsAsync();
        return browser;
    }

    /// <summary>Sends audio from <paramref name="from"/> until <paramref name="to"/> receives some (both endpoints secured).</summary>
    public static async Task SendUntilRelayedAsync(SimulatedBrowser from, SimulatedBrowser to)
    {
        var deadline = DateTime.UtcNow + SimulatedBrowser.Timeout;
        for (ushort sequence = 1; ; sequence++)
        {
            from.SendRtp(KurentoMediaType.Audio, sequence, sequence * 960u, false, new byte[20]);
            try
            {
                await to.NextRtpAsync(TimeSpan.FromMilliseconds(200), "once both endpoints are secured");
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // Not relayed yet: try again.
            }
        }
    }

    /// <summary>"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host": the address and port before "typ".</summary>
    private static IPEndPoint EndpointOf(IceCandidate candidate)
    {
        var fields = candidate.Candidate.Candidate.Split(' ');
        return new IPEndPoint(IPAddress.Parse(fields[4]), int.Parse(fields[5], CultureInfo.InvariantCulture));
    }
}
