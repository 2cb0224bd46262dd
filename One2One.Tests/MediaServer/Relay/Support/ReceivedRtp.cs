using One2One.MediaServer.Rtc.Rtp;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>A decrypted RTP packet the browser received, with its header read.</summary>
internal sealed class ReceivedRtp(byte[] packet)
{
    private readonly RtpHeader _header = RtpHeader.TryParse(packet, out var header) ? header : throw new InvalidDataException("Not RTP.");

    public byte[] Packet { get; } = packet;

    public uint Ssrc => _header.Ssrc;

    public byte PayloadType => _header.PayloadType;

    public ushort SequenceNumber => _header.SequenceNumber;

    public uint Timestamp => _header.Timestamp;

    public bool Marker => _header.Marker;

    /// <summary>Everything after the fixed header: CSRCs, header extension and payload, which the relay must not touch.</summary>
    public byte[] AfterFixedHeader => Packet[RtpHeader.FixedLength..];

    public override string ToString() => $"RTP ssrc {Ssrc} pt {PayloadType} seq {SequenceNumber} ts {Timestamp} marker {Marker} ({Packet.Length} bytes)";
}
