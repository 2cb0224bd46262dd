using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Hosting;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Support;

namespace One2One.Tests.Limits;

/// <summary>
/// The real server with the shipped limits, some set lower for a test, and a fake clock for the rate limits only;
/// plus the checks the limits tests share.
/// </summary>
internal static class LimitedServer
{
    public static readonly string Offer = SdpFixtures.RecordedChromium156;

    public static One2OneServerFactory Start(FakeTimeProvider clock, params (string Limit, int Value)[] limits)
    {
        var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = clock };
        foreach (var (limit, value) in limits)
        {
            server.WithSetting($"Limits:{limit}", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        server.StartServer();
        return server;
    }

    public static UserRegistry Users(this One2OneServerFactory server) => server.Services.GetRequiredService<UserRegistry>();

    public static One2One.MediaServer.Hosting.MediaServerCounts MediaCounts(this One2OneServerFactory server) =>
        server.Services.GetRequiredService<EmbeddedMediaServerHost>().Server.Diagnostics.GetCounts();

    public static async Task ExpectRateLimitedAsync(this SignalingClient caller)
    {
        var response = await caller.ExpectAsync<CallResponse>();
        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.RateLimited);
        response.Message.Should().NotBeNullOrWhiteSpace();
    }

    /// <summary>
    /// Shows that <paramref name="callee"/> was not rung: a call from <paramref name="prober"/> is the next thing it
    /// hears (a ring it had received would also have made it busy). The probe call is cancelled again. The prober
    /// should come from another address than the refused caller, whose per-address budgets may be spent.
    /// </summary>
    public static async Task ExpectUndisturbedAsync(this SignalingClient callee, SignalingClient prober)
    {
        await prober.CallAsync(callee.Name, Offer);
        (await callee.ExpectAsync<IncomingCall>()).From.Should().Be(prober.Name, "the refused call must not have rung");
        await prober.StopAsync();
        (await callee.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled);
    }

    /// <summary>A call set up for real: both answers arrive, negotiated by the embedded media server.</summary>
    public static async Task ConnectCallAsync(this SignalingClient caller, SignalingClient callee)
    {
        await caller.CallAsync(callee.Name, Offer);
        await callee.ExpectAsync<IncomingCall>();
        await callee.AcceptAsync(caller.Name!, Offer);
        (await callee.ExpectAsync<StartCommunication>()).SdpAnswer.Should().Contain("a=ice-lite");
        var answer = await caller.ExpectAsync<CallResponse>();
        answer.Response.Should().Be(Responses.Accepted);
        answer.SdpAnswer.Should().Contain("a=ice-lite");
    }

    /// <summary>Rings <paramref name="callee"/> and withdraws the call: one ring spent.</summary>
    public static async Task RingAndCancelAsync(this SignalingClient caller, SignalingClient callee)
    {
        await caller.CallAsync(callee.Name, Offer);
        (await callee.ExpectAsync<IncomingCall>()).From.Should().Be(caller.Name);
        await caller.StopAsync();
        (await callee.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled);
    }
}
