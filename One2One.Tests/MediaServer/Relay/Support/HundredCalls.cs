using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Srtp;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>
/// A hundred calls (two hundred endpoints) on one media server's one port, each between two simulated browsers that
/// number their codecs differently, with the process's threads counted when the first call was up and when all were
/// (DTLS handshakes run on no thread of their own, so nothing transient is waited for).
/// </summary>
public sealed class HundredCalls : IAsyncLifetime
{
    public const int Calls = 100;

    /// <summary>Calls set up at once: enough to be quick, few enough that no handshake waits long for a core.</summary>
    private const int InParallel = 8;

    private static readonly byte[] OpusPayloadTypes = [111, 121, 123, 125];
    private static readonly byte[] Vp8PayloadTypes = [96, 122, 124, 127];

    internal RelayRig Rig { get; } = RelayRig.Create();

    internal List<(RelayEndpoint A, RelayEndpoint B)> Pairs { get; } = [];

    internal ThreadCensus AtTwoEndpoints { get; private set; } = null!;

    internal ThreadCensus AtAllEndpoints { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Pairs.Add(await CallAsync(0));
        await RelayOneEachWayAsync(Pairs[0]);
        AtTwoEndpoints = ThreadCensus.Take();

        for (var first = 1; first < Calls; first += InParallel)
        {
            var batch = Enumerable.Range(first, Math.Min(InParallel, Calls - first)).Select(CallAsync);
            Pairs.AddRange(await Task.WhenAll(batch));
        }

        foreach (var pair in Pairs.Skip(1))
        {
            await RelayOneEachWayAsync(pair);
        }

        AtAllEndpoints = ThreadCensus.Take();
    }

    public async Task DisposeAsync() => await Rig.DisposeAsync();

    private Task<(RelayEndpoint A, RelayEndpoint B)> CallAsync(int call) => Rig.CallAsync(Browser(2 * call), Browser((2 * call) + 1));

    /// <summary>Browsers number opus and VP8 in 16 ways and use both SRTP profiles, so a packet that went to the wrong sink shows.</summary>
    private static SimulatedBrowser Browser(int index) => new(
        OpusPayloadTypes[index % 4],
        Vp8PayloadTypes[(index / 4) % 4],
        index % 2 == 0 ? SrtpProfile.AeadAes128Gcm : SrtpProfile.AesCm128HmacSha1_80);

    private static async Task RelayOneEachWayAsync((RelayEndpoint A, RelayEndpoint B) pair)
    {
        pair.A.Browser.SendRtp(KurentoMediaType.Audio, 1, 0, false, new byte[20]);
        pair.B.Browser.SendRtp(KurentoMediaType.Audio, 1, 0, false, new byte[20]);
        await pair.B.Browser.NextRtpAsync("for the first packet of the call");
        await pair.A.Browser.NextRtpAsync("for the first packet of the call");
    }
}
