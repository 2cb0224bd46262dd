using System.Globalization;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Observability.Support;
using One2One.Tests.Support;

// Calls with real ICE, DTLS and SRTP (the tests' simulated browsers) at a running server, for a while, so that its
// /metrics has something to show: overlapping calls with media, hang-ups, declines, busy and unknown callees.
// Usage: dotnet run --project deploy/grafana/preview/One2One.CallDriver -- http://127.0.0.1:8080/ 600
var server = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:8080/");
var duration = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600);
var hub = new Uri(server, "one2one");
var until = DateTime.UtcNow + duration;
var random = Random.Shared; // three lanes draw from it at once

var callers = Enumerable.Range(0, 3).Select(lane => Task.Run(() => LaneAsync(lane))).ToList();
await Task.WhenAll(callers);
Console.WriteLine("done");
return 0;

async Task LaneAsync(int lane)
{
    await Task.Delay(TimeSpan.FromSeconds(lane * 7));
    while (DateTime.UtcNow < until)
    {
        try
        {
            await using var call = await MediaCall.RegisterAsync(hub, Names.Unique($"caller{lane}"), Names.Unique($"callee{lane}"));
            switch (random.Next(10))
            {
                case 0:
                    await call.Caller.CallAsync("nobody-" + lane, SdpFixtures.RecordedChromium156);
                    await call.Caller.ExpectAsync<CallResponse>();
                    break;
                case 1:
                    await call.Caller.CallAsync(call.Callee.Name, call.CallerBrowser.OfferSdp);
                    await call.Callee.ExpectAsync<IncomingCall>();
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    await call.Callee.RejectAsync(call.Caller.Name!);
                    break;
                default:
                    await call.ConnectAsync();
                    await StreamAsync(call, TimeSpan.FromSeconds(random.Next(15, 45)));
                    await call.HangUpAsync();
                    break;
            }

            Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} lane {lane}: call done");
        }
        catch (Exception e)
        {
            Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} lane {lane}: {e.GetType().Name}: {e.Message}");
        }

        await Task.Delay(TimeSpan.FromSeconds(random.Next(2, 8)));
    }
}

// About what a browser sends: 50 audio and 30 video packets a second each way (video of 1000 bytes).
async Task StreamAsync(MediaCall call, TimeSpan length)
{
    var end = DateTime.UtcNow + length;
    using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
    for (ushort n = 1; DateTime.UtcNow < end && await tick.WaitForNextTickAsync(); n++)
    {
        call.SendTick(n);
        if (n % 250 == 0)
        {
            await call.RefreshConsentAsync();
        }

        // Busy: someone calls the callee while the call goes on, now and then.
        if (n == 200 && random.Next(3) == 0)
        {
            await using var third = await SignalingClient.RegisteredAsync(hub, Names.Unique("third"));
            await third.CallAsync(call.Callee.Name, SdpFixtures.RecordedChromium156);
            await third.ExpectAsync<CallResponse>();
        }
    }
}
