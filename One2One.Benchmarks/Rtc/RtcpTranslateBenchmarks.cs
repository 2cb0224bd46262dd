using BenchmarkDotNet.Attributes;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.Benchmarks.Rtc;

/// <summary>Translating what a browser sends back about the relayed streams into the source browser's SSRCs.</summary>
[MemoryDiagnoser]
public class RtcpTranslateBenchmarks
{
    private const uint OurVideo = 0x5100_0001, OurAudio = 0x5100_0002, BrowserVideo = 0xA100_0001, BrowserAudio = 0xA100_0002;
    private const uint Local = 0x10CA_1000;

    // RR from 0xB1000001 with one block about OurVideo, SDES CNAME "Dx5Gk2r8pQw1Zz0A", REMB 1.5 Mb/s about both our SSRCs.
    private static readonly byte[] ReportCompound = Convert.FromHexString(
        "81c90007" + "b1000001" + "51000001" + "00000003" + "0001a2f1" + "00000014" + "6a1b2c3d" + "00012000" +
        "81ca0007" + "b1000001" + "0110" + "44783547" + "6b327238" + "70517731" + "5a7a3041" + "000000000000" +
        "8fce0006" + "b1000001" + "00000000" + "52454d42" + "020edc6c" + "51000001" + "51000002");

    // Generic NACK about OurVideo: packet 0x1F40 and the 16 after it as a bitmask, then 0x1F60.
    private static readonly byte[] Nack = Convert.FromHexString(
        "81cd0004" + "b1000001" + "51000001" + "1f400005" + "1f600000");

    private readonly byte[] _destination = new byte[1500];
    private SsrcMap _map;

    [GlobalSetup]
    public void Setup()
    {
        _map = default;
        _map.TrySet(OurVideo, BrowserVideo);
        _map.TrySet(OurAudio, BrowserAudio);
        if (TranslateReportCompound() == 0 || TranslateNack() == 0)
        {
            throw new InvalidOperationException("The sample packets must translate to something.");
        }
    }

    [Benchmark]
    public int TranslateReportCompound() => RtcpTranslator.Translate(ReportCompound, _destination, _map, Local);

    [Benchmark]
    public int TranslateNack() => RtcpTranslator.Translate(Nack, _destination, _map, Local);
}
