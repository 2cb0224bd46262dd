using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Stun;

/// <summary>
/// A STUN message read in place from a datagram (RFC 5389 §6, §15). Attributes after
/// MESSAGE-INTEGRITY, other than FINGERPRINT, are ignored as §15.4 asks.
/// </summary>
internal readonly ref struct StunMessage
{
    public const int HeaderLength = 20;
    public const int TransactionIdLength = 12;
    public const uint MagicCookie = 0x2112A442;

    internal const int AttributeHeaderLength = 4;
    internal const int MessageIntegrityLength = 20;
    internal const int FingerprintLength = 4;

    /// <summary>Above this a message is copied into a pooled array to check its integrity instead of the stack.</summary>
    private const int StackCopyLimit = 1024;

    private readonly ReadOnlySpan<byte> _message;
    private readonly int _integrityOffset;
    private readonly int _fingerprintOffset;

    private StunMessage(ReadOnlySpan<byte> message, int integrityOffset, int fingerprintOffset)
    {
        _message = message;
        _integrityOffset = integrityOffset;
        _fingerprintOffset = fingerprintOffset;
    }

    /// <summary>Header and attributes; bytes of the datagram after the message are not included.</summary>
    public ReadOnlySpan<byte> Bytes => _message;

    public int Method
    {
        get
        {
            int type = BinaryPrimitives.ReadUInt16BigEndian(_message);
            return (type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80);
        }
    }

    public StunMessageClass Class => (StunMessageClass)(((_message[0] & 0x01) << 1) | ((_message[1] >> 4) & 0x01));

    public ReadOnlySpan<byte> TransactionId => _message.Slice(8, TransactionIdLength);

    public bool HasMessageIntegrity => _integrityOffset >= 0;

    public bool HasFingerprint => _fingerprintOffset >= 0;

    public bool UseCandidate => TryGetAttribute(StunAttributeType.UseCandidate, out _);

    /// <summary>End of the attributes the accessors read: MESSAGE-INTEGRITY, else FINGERPRINT, else the end.</summary>
    private int AttributesEnd => _integrityOffset >= 0 ? _integrityOffset
        : _fingerprintOffset >= 0 ? _fingerprintOffset
        : _message.Length;

    /// <summary>
    /// False unless: 20-byte header with the top two bits 0 and the magic cookie, a length that is a
    /// multiple of 4 and within the datagram, every attribute within the message, MESSAGE-INTEGRITY of
    /// 20 bytes, FINGERPRINT of 4 bytes and last.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        if (datagram.Length < HeaderLength
            || (datagram[0] & 0xC0) != 0
            || BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != MagicCookie)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (length % 4 != 0 || HeaderLength + length > datagram.Length)
        {
            return false;
        }

        var bytes = datagram[..(HeaderLength + length)];
        int integrityOffset = -1;
        int fingerprintOffset = -1;
        int position = HeaderLength;
        while (position < bytes.Length)
        {
            if (fingerprintOffset >= 0 || bytes.Length - position < AttributeHeaderLength)
            {
                return false;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(bytes[position..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 2)..]);
            int paddedLength = (valueLength + 3) & ~3;
            if (paddedLength > bytes.Length - position - AttributeHeaderLength)
            {
                return false;
            }

            if (type == StunAttributeType.MessageIntegrity && integrityOffset < 0)
            {
                if (valueLength != MessageIntegrityLength)
                {
                    return false;
                }

                integrityOffset = position;
            }
            else if (type == StunAttributeType.Fingerprint)
            {
                if (valueLength != FingerprintLength)
                {
                    return false;
                }

                fingerprintOffset = position;
            }

            position += AttributeHeaderLength + paddedLength;
        }

        message = new StunMessage(bytes, integrityOffset, fingerprintOffset);
        return true;
    }

    /// <summary>The value of the first attribute of <paramref name="type"/> before MESSAGE-INTEGRITY.</summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        int end = AttributesEnd;
        int position = HeaderLength;
        while (position < end)
        {
            ushort attributeType = BinaryPrimitives.ReadUInt16BigEndian(_message[position..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(_message[(position + 2)..]);
            if (attributeType == type)
            {
                value = _message.Slice(position + AttributeHeaderLength, valueLength);
                return true;
            }

            position += AttributeHeaderLength + ((valueLength + 3) & ~3);
        }

        value = default;
        return false;
    }

    public bool TryGetUsername(out ReadOnlySpan<byte> username) =>
        TryGetAttribute(StunAttributeType.Username, out username);

    public bool TryGetPriority(out uint priority) =>
        TryGetUInt32(StunAttributeType.Priority, out priority);

    /// <summary>The tie-breaker of ICE-CONTROLLING (RFC 8445 §16.1).</summary>
    public bool TryGetIceControlling(out ulong tieBreaker) =>
        TryGetUInt64(StunAttributeType.IceControlling, out tieBreaker);

    /// <summary>The tie-breaker of ICE-CONTROLLED (RFC 8445 §16.1).</summary>
    public bool TryGetIceControlled(out ulong tieBreaker) =>
        TryGetUInt64(StunAttributeType.IceControlled, out tieBreaker);

    /// <summary>ERROR-CODE (RFC 5389 §15.6): class times 100 plus number, and the reason phrase.</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason)
    {
        code = 0;
        reason = default;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var value) || value.Length < 4)
        {
            return false;
        }

        int errorClass = value[2] & 0x07;
        int number = value[3];
        if (errorClass is < 3 or > 6 || number > 99)
        {
            return false;
        }

        code = (errorClass * 100) + number;
        reason = value[4..];
        return true;
    }

    /// <summary>XOR-MAPPED-ADDRESS (RFC 5389 §15.2), IPv4 or IPv6. Allocates the end point: not for hot paths.</summary>
    public bool TryGetXorMappedAddress([NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (!TryGetAttribute(StunAttributeType.XorMappedAddress, out var value) || value.Length < 4)
        {
            return false;
        }

        int addressLength = value[1] switch { 0x01 => 4, 0x02 => 16, _ => 0 };
        if (addressLength == 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        // X-Port is XORed with the top 16 bits of the cookie; the address with the cookie and, for IPv6, the transaction ID.
        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(MagicCookie >> 16);
        Span<byte> address = stackalloc byte[16];
        address = address[..addressLength];
        var mask = _message.Slice(4, addressLength);
        for (int i = 0; i < addressLength; i++)
        {
            address[i] = (byte)(value[4 + i] ^ mask[i]);
        }

        endPoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    /// <summary>
    /// MESSAGE-INTEGRITY (RFC 5389 §15.4): HMAC-SHA1 under <paramref name="key"/> (for short-term
    /// credentials, the password's bytes) over the message up to the attribute, with the header length
    /// set as if the message ended after it. False when there is none.
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityOffset < 0)
        {
            return false;
        }

        int length = _integrityOffset;
        byte[]? rented = null;
        Span<byte> copy = length <= StackCopyLimit
            ? stackalloc byte[StackCopyLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            copy = copy[..length];
            _message[..length].CopyTo(copy);
            BinaryPrimitives.WriteUInt16BigEndian(copy[2..], (ushort)(length - HeaderLength + AttributeHeaderLength + MessageIntegrityLength));
            Span<byte> mac = stackalloc byte[MessageIntegrityLength];
            HMACSHA1.TryHashData(key, copy, mac, out _);
            return CryptographicOperations.FixedTimeEquals(mac, _message.Slice(_integrityOffset + AttributeHeaderLength, MessageIntegrityLength));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>FINGERPRINT (RFC 5389 §15.5) over the message up to the attribute; false when there is none.</summary>
    public bool VerifyFingerprint() =>
        _fingerprintOffset >= 0
        && BinaryPrimitives.ReadUInt32BigEndian(_message[(_fingerprintOffset + AttributeHeaderLength)..])
            == StunFingerprint.Compute(_message[.._fingerprintOffset]);

    private bool TryGetUInt32(ushort type, out uint value)
    {
        if (TryGetAttribute(type, out var bytes) && bytes.Length == 4)
        {
            value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            return true;
        }

        value = 0;
        return false;
    }

    private bool TryGetUInt64(ushort type, out ulong value)
    {
        if (TryGetAttribute(type, out var bytes) && bytes.Length == 8)
        {
            value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
            return true;
        }

        value = 0;
        return false;
    }
}
