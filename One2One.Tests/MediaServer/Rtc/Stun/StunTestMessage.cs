using System.Buffers.Binary;
using System.Security.Cryptography;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.Tests.MediaServer.Rtc.Stun;

/// <summary>
/// Builds STUN messages attribute by attribute, independently of StunWriter, for the shapes the writer
/// never produces (a request without USERNAME, attributes after MESSAGE-INTEGRITY, indications).
/// </summary>
internal static class StunTestMessage
{
    public static readonly byte[] TransactionId = Convert.FromHexString("0102030405060708090a0b0c");

    public static byte[] Build(ushort type, (ushort Type, byte[] Value)[] attributes, byte[]? integrityKey, bool fingerprint,
        (ushort Type, byte[] Value)[]? afterIntegrity = null, byte[]? transactionId = null)
    {
        var message = new List<byte>(new byte[20]);
        BinaryPrimitives.WriteUInt16BigEndian(Span(message, 0, 2), type);
        BinaryPrimitives.WriteUInt32BigEndian(Span(message, 4, 4), StunMessage.MagicCookie);
        (transactionId ?? TransactionId).CopyTo(Span(message, 8, 12));
        foreach (var (attributeType, value) in attributes)
        {
            Append(message, attributeType, value);
        }

        if (integrityKey is not null)
        {
            SetLength(message, message.Count + 24);
            Append(message, StunAttributeType.MessageIntegrity, HMACSHA1.HashData(integrityKey, message.ToArray()));
        }

        foreach (var (attributeType, value) in afterIntegrity ?? [])
        {
            Append(message, attributeType, value);
        }

        if (fingerprint)
        {
            SetLength(message, message.Count + 8);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, StunFingerprint.Compute(message.ToArray()));
            Append(message, StunAttributeType.Fingerprint, crc);
        }

        SetLength(message, message.Count);
        return message.ToArray();
    }

    private static void Append(List<byte> message, ushort type, byte[] value)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(header, type);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)value.Length);
        message.AddRange(header);
        message.AddRange(value);
        message.AddRange(new byte[((value.Length + 3) & ~3) - value.Length]);
    }

    private static void SetLength(List<byte> message, int end)
    {
        message[2] = (byte)((end - 20) >> 8);
        message[3] = (byte)(end - 20);
    }

    private static Span<byte> Span(List<byte> list, int start, int length) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list).Slice(start, length);
}
