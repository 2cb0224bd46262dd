using System.Globalization;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Benchmarks.Relay;

/// <summary>What one relay-load run measured, and its report.</summary>
internal sealed class LoadResult(SrtpProfile profile, int rate)
{
    public long Offered { get; set; }

    /// <summary>The source stopped early: nothing reached the sink for two seconds.</summary>
    public bool Stalled { get; set; }

    public double OfferSeconds { get; set; }

    /// <summary>From the first packet sent to the last one relayed.</summary>
    public double RelaySeconds { get; set; }

    public long DroppedAtSource { get; set; }

    public long UnprotectFailed { get; set; }

    /// <summary>Sent by the sink endpoint (its outbound stats).</summary>
    public long Relayed { get; set; }

    public long Received { get; set; }

    public long DroppedAtSinkBrowser { get; set; }

    public long Verified { get; set; }

    public long Wrong { get; set; }

    public TimeSpan ProcessCpu { get; set; }

    public TimeSpan BlasterCpu { get; set; }

    public TimeSpan ReaderCpu { get; set; }

    public TimeSpan SoftIrqCpu { get; set; }

    /// <summary>The media workers alone.</summary>
    public TimeSpan ReceiveThreadsCpu { get; set; }

    public long Allocated { get; set; }

    public int Gen0Collections { get; set; }

    /// <summary>The process's CPU time that was neither the blaster's nor the reader's: the relay's.</summary>
    public TimeSpan RelayCpu => ProcessCpu - BlasterCpu - ReaderCpu;

    public bool Failed => Wrong > 0 || Verified == 0 || UnprotectFailed > 0 || Stalled;

    public void Print()
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture, $"""
            relay-load {profile}, {(rate > 0 ? $"paced at {rate:N0} packets/s" : "flat out")}, 1200-byte RTP packets
              offered      {Offered,10:N0} packets in {OfferSeconds:F2} s = {Offered / OfferSeconds,9:N0} packets/s (source socket dropped {DroppedAtSource:N0})
              relayed      {Relayed,10:N0} packets in {RelaySeconds:F2} s = {Relayed / RelaySeconds,9:N0} packets/s wall clock
              received     {Received,10:N0} at the sink browser (its socket dropped {DroppedAtSinkBrowser:N0}); {Verified:N0} decrypted and checked, {Wrong:N0} wrong
              CPU          process {ProcessCpu.TotalSeconds:F2} s = blaster {BlasterCpu.TotalSeconds:F2} s + reader {ReaderCpu.TotalSeconds:F2} s + relay {RelayCpu.TotalSeconds:F2} s; ksoftirqd {SoftIrqCpu.TotalSeconds:F2} s
              per core     {Relayed / RelayCpu.TotalSeconds,10:N0} relayed packets per CPU second of the relay ({RelayCpu.TotalSeconds * 1e6 / Relayed:F2} us each)
              workers      {(ReceiveThreadsCpu > TimeSpan.Zero ? $"{ReceiveThreadsCpu.TotalSeconds:F2} s on the media workers = {Relayed / ReceiveThreadsCpu.TotalSeconds,10:N0} relayed packets per CPU second" : "no media worker thread")}
              allocated    {Allocated:N0} bytes in the process ({(double)Allocated / Math.Max(1, Relayed):F3} per relayed packet), {Gen0Collections} gen0 collections
              unprotect failures {UnprotectFailed:N0}{(Stalled ? "; STALLED: nothing reached the sink for 2 s" : "")}
            """));
        Console.WriteLine();
    }
}
