namespace One2One.Server.Media;

/// <summary>
/// <c>MediaServer:MaxVideoBitrate</c> as the call server reads it: the same key the embedded media server caps its
/// REMBs with, so one setting caps video whichever media server the calls use.
/// </summary>
internal sealed class VideoBandwidthOptions
{
    public const string SectionName = "MediaServer";

    /// <summary>Bits per second a browser may send video at; 0 means no cap.</summary>
    public long MaxVideoBitrate { get; set; }

    /// <summary>The cap in KMS's unit (kbps, rounded up so a cap is never 0 = none), or 0 for none.</summary>
    public int MaxVideoRecvBandwidthKbps => MaxVideoBitrate <= 0 ? 0 : (int)Math.Min(int.MaxValue, (MaxVideoBitrate + 999) / 1000);
}
