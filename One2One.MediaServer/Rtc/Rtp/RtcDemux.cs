namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>What a datagram on a WebRTC 5-tuple carries.</summary>
internal enum RtcPacketKind
{
    Unknown,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}

/// <summary>Tells STUN, DTLS, RTP and RTCP apart on one socket.</summary>
internal static class RtcDemux
{
    /// <summary>By the first byte (RFC 7983 §7), then RTP from RTCP by the second (RFC 5761 §4).</summary>
    public static RtcPacketKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return RtcPacketKind.Unknown;
        }

        return datagram[0] switch
        {
            <= 3 => RtcPacketKind.Stun,
            >= 20 and <= 63 => RtcPacketKind.Dtls,
            >= 128 and <= 191 => IsRtcp(datagram) ? RtcPacketKind.Rtcp : RtcPacketKind.Rtp,
            _ => RtcPacketKind.Unknown,
        };
    }

    /// <summary>
    /// RFC 5761 §4: with RTP and RTCP multiplexed, a second byte of 192..223 is an RTCP packet type
    /// (payload types 64..95 are never used for RTP there, marker bit or not).
    /// </summary>
    public static bool IsRtcp(ReadOnlySpan<byte> packet) =>
        packet.Length >= 2 && packet[1] is >= 192 and <= 223;
}
