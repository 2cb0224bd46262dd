namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).</summary>
internal static class RtcpPacketType
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;
    public const byte Application = 204;
    public const byte TransportFeedback = 205;
    public const byte PayloadFeedback = 206;
}

/// <summary>Feedback message types, the FMT field of RTPFB and PSFB packets (RFC 4585 §6.2, §6.3; RFC 5104 §4.3).</summary>
internal static class RtcpFeedbackFormat
{
    /// <summary>RTPFB: Generic NACK (RFC 4585 §6.2.1).</summary>
    public const int GenericNack = 1;

    /// <summary>RTPFB: transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).</summary>
    public const int TransportWideCc = 15;

    /// <summary>PSFB: Picture Loss Indication (RFC 4585 §6.3.1).</summary>
    public const int PictureLossIndication = 1;

    /// <summary>PSFB: Full Intra Request (RFC 5104 §4.3.1).</summary>
    public const int FullIntraRequest = 4;

    /// <summary>PSFB: application layer feedback (RFC 4585 §6.4); REMB is one.</summary>
    public const int ApplicationLayer = 15;
}

/// <summary>What an RTCP packet is, from its type, its FMT and (for AFB) its identifier.</summary>
internal enum RtcpPacketKind
{
    /// <summary>A type this code does not look into (APP, XR, other feedback formats).</summary>
    Other,
    SenderReport,
    ReceiverReport,
    SourceDescription,
    Goodbye,
    GenericNack,
    TransportWideCc,
    PictureLossIndication,
    FullIntraRequest,

    /// <summary>Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03 §2.2).</summary>
    Remb,
}
