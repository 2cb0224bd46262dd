using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace One2One.LoadTest.Calls;

/// <summary>
/// What it takes to ask a media server's WebRtcEndpoint whether it still exists: the address of its UDP host
/// candidate and the ICE credentials of its SDP answer. While the endpoint lives its ICE agent answers a binding
/// request that names its ufrag and carries MESSAGE-INTEGRITY under its password (RFC 8445 §7.3); once released,
/// nothing on that port knows the ufrag, and the request goes unanswered. Immutable.
/// </summary>
internal sealed record IceCheckProbe(IPEndPoint Endpoint, string Ufrag, string Password)
{
    private const uint MagicCookie = 0x2112A442;

    /// <summary>Room for any check this writes: header, PRIORITY, ICE-CONTROLLING, USERNAME (ufrags are at most 256 characters), MESSAGE-INTEGRITY, FINGERPRINT.</summary>
    public const int MaxLength = 20 + 8 + 12 + 4 + 264 + 24 + 8;

    /// <summary>The probe for the endpoint that answered with <paramref name="sdpAnswer"/>, whose candidate is <paramref name="candidate"/>.</summary>
    public static IceCheckProbe FromAnswer(string sdpAnswer, IPEndPoint candidate) =>
        new(candidate, SdpValue(sdpAnswer, "a=ice-ufrag:"), SdpValue(sdpAnswer, "a=ice-pwd:"));

    /// <summary>Writes a binding request with a fresh transaction ID into <paramref name="message"/> and returns its length.</summary>
    public int WriteCheck(Span<byte> message, Span<byte> transactionId)
    {
        var username = Encoding.ASCII.GetBytes($"{Ufrag}:load");
        var padded = (username.Length + 3) & ~3;
        message[..(20 + 8 + 12 + 4 + padded + 24 + 8)].Clear();
        RandomNumberGenerator.Fill(transactionId);
        BinaryPrimitives.WriteUInt16BigEndian(message, 0x0001);
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], MagicCookie);
        transactionId.CopyTo(message[8..]);

        var at = 20;
        at = Attribute(message, at, 0x0024, 4); // PRIORITY (RFC 8445 §7.1.1), a peer-reflexive host's
        BinaryPrimitives.WriteUInt32BigEndian(message[at..], 1853824767);
        at += 4;
        at = Attribute(message, at, 0x802A, 8); // ICE-CONTROLLING, as a browser's check carries it
        RandomNumberGenerator.Fill(message.Slice(at, 8));
        at += 8;
        at = Attribute(message, at, 0x0006, username.Length);
        username.CopyTo(message[at..]);
        at += padded;

        // MESSAGE-INTEGRITY over everything before it, the header's length already counting it (RFC 5389 §15.4).
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)(at + 24 - 20));
        var integrity = Attribute(message, at, 0x0008, 20);
        HMACSHA1.HashData(Encoding.ASCII.GetBytes(Password), message[..at], message.Slice(integrity, 20));
        at = integrity + 20;

        // FINGERPRINT: CRC-32 of everything before it XOR 0x5354554E (RFC 5389 §15.5).
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)(at + 8 - 20));
        var fingerprint = Attribute(message, at, 0x8028, 4);
        BinaryPrimitives.WriteUInt32BigEndian(message[fingerprint..], Crc32(message[..at]) ^ 0x5354554E);
        return fingerprint + 4;
    }

    /// <summary>Whether <paramref name="datagram"/> is a binding success response to <paramref name="transactionId"/>.</summary>
    public static bool Answers(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> transactionId) =>
        datagram.Length >= 20
        && BinaryPrimitives.ReadUInt16BigEndian(datagram) == 0x0101
        && datagram.Slice(8, 12).SequenceEqual(transactionId);

    private static int Attribute(Span<byte> message, int at, ushort type, int length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(message[at..], type);
        BinaryPrimitives.WriteUInt16BigEndian(message[(at + 2)..], (ushort)length);
        return at + 4;
    }

    private static string SdpValue(string sdp, string prefix)
    {
        foreach (var line in sdp.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..].TrimEnd('\r');
            }
        }

        throw new FormatException($"The SDP answer has no {prefix.TrimEnd(':')} line.");
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
