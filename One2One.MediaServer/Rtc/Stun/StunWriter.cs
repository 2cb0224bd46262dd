using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Stun;

/// <summary>
/// Writes the STUN messages of ICE (RFC 5389, RFC 8445 §7) into a span and returns their length.
/// Every message ends with FINGERPRINT (RFC 8445 §7.3); MESSAGE-INTEGRITY is added when the key is not
/// empty (for short-term credentials the key is the password's bytes). The destination must hold the
/// message: <see cref="MaxLength"/> bytes always suffice with a username of up to 255 bytes.
/// </summary>
internal static class StunWriter
{
    public const int MaxLength = 512;

    /// <summary>A Binding request as a full ICE agent sends it (RFC 8445 §7.2.2): what tests use to play the browser.</summary>
    public static int WriteBindingRequest(Span<byte> destination, ReadOnlySpan<byte> transactionId, ReadOnlySpan<byte> username,
        uint priority, IceRole role, ulong tieBreaker, bool useCandidate, ReadOnlySpan<byte> integrityKey)
    {
        var message = new Builder(destination, StunMethod.Binding, StunMessageClass.Request, transactionId);
        message.Add(StunAttributeType.Username, username);
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(value, priority);
        message.Add(StunAttributeType.Priority, value[..4]);
        BinaryPrimitives.WriteUInt64BigEndian(value, tieBreaker);
        message.Add(role == IceRole.Controlling ? StunAttributeType.IceControlling : StunAttributeType.IceControlled, value);
        if (useCandidate)
        {
            message.Add(StunAttributeType.UseCandidate, []);
        }

        return message.Finish(integrityKey);
    }

    /// <summary>A Binding success response carrying XOR-MAPPED-ADDRESS (RFC 5389 §15.2); <paramref name="address"/> is 4 or 16 bytes.</summary>
    public static int WriteBindingSuccessResponse(Span<byte> destination, ReadOnlySpan<byte> transactionId,
        ReadOnlySpan<byte> address, ushort port, ReadOnlySpan<byte> integrityKey)
    {
        if (address.Length is not (4 or 16))
        {
            throw new ArgumentException("An IPv4 or IPv6 address is 4 or 16 bytes.", nameof(address));
        }

        var message = new Builder(destination, StunMethod.Binding, StunMessageClass.SuccessResponse, transactionId);
        Span<byte> value = stackalloc byte[20];
        value = value[..(4 + address.Length)];
        value[0] = 0;
        value[1] = address.Length == 4 ? (byte)0x01 : (byte)0x02;
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(port ^ (StunMessage.MagicCookie >> 16)));

        // The mask is the cookie followed by the transaction ID, as it sits in the header just written.
        var mask = destination.Slice(4, address.Length);
        for (int i = 0; i < address.Length; i++)
        {
            value[4 + i] = (byte)(address[i] ^ mask[i]);
        }

        message.Add(StunAttributeType.XorMappedAddress, value);
        return message.Finish(integrityKey);
    }

    /// <summary>As the span overload; an IPv4-mapped IPv6 address (dual-stack socket) is written as IPv4.</summary>
    public static int WriteBindingSuccessResponse(Span<byte> destination, ReadOnlySpan<byte> transactionId,
        IPEndPoint mapped, ReadOnlySpan<byte> integrityKey)
    {
        Span<byte> address = stackalloc byte[16];
        if (!mapped.Address.TryWriteBytes(address, out int written))
        {
            throw new ArgumentException("Not an IP address.", nameof(mapped));
        }

        return WriteBindingSuccessResponse(destination, transactionId, Unmap(address[..written]), (ushort)mapped.Port, integrityKey);
    }

    /// <summary>
    /// As the span overload, from the <see cref="SocketAddress"/> that <c>Socket.ReceiveFromAsync</c>
    /// filled (no allocation); an IPv4-mapped IPv6 address is written as IPv4.
    /// </summary>
    public static int WriteBindingSuccessResponse(Span<byte> destination, ReadOnlySpan<byte> transactionId,
        SocketAddress mapped, ReadOnlySpan<byte> integrityKey)
    {
        // The buffer is the native sockaddr: port in network order at 2, IPv4 address at 4, IPv6 address at 8.
        ReadOnlySpan<byte> sockaddr = mapped.Buffer.Span;
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]);
        var address = mapped.Family switch
        {
            AddressFamily.InterNetwork => sockaddr.Slice(4, 4),
            AddressFamily.InterNetworkV6 => Unmap(sockaddr.Slice(8, 16)),
            _ => throw new ArgumentException("Not an IP socket address.", nameof(mapped)),
        };
        return WriteBindingSuccessResponse(destination, transactionId, address, port, integrityKey);
    }

    /// <summary>
    /// A Binding error response with ERROR-CODE. Per RFC 5389 §10.1.2 a 400 or 401 carries no
    /// MESSAGE-INTEGRITY (pass an empty key); a 487 answers an authenticated request and carries it.
    /// </summary>
    public static int WriteBindingErrorResponse(Span<byte> destination, ReadOnlySpan<byte> transactionId, int errorCode,
        ReadOnlySpan<byte> integrityKey)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(errorCode, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errorCode, 699);

        var reason = errorCode switch
        {
            StunErrorCode.BadRequest => "Bad Request"u8,
            StunErrorCode.Unauthorized => "Unauthorized"u8,
            StunErrorCode.RoleConflict => "Role Conflict"u8,
            _ => "Error"u8,
        };
        var message = new Builder(destination, StunMethod.Binding, StunMessageClass.ErrorResponse, transactionId);
        Span<byte> value = stackalloc byte[4 + 16];
        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(errorCode / 100);
        value[3] = (byte)(errorCode % 100);
        reason.CopyTo(value[4..]);
        message.Add(StunAttributeType.ErrorCode, value[..(4 + reason.Length)]);
        return message.Finish(integrityKey);
    }

    private static ReadOnlySpan<byte> Unmap(ReadOnlySpan<byte> address) =>
        address.Length == 16 && address[..10].IndexOfAnyExcept((byte)0) < 0 && address[10] == 0xFF && address[11] == 0xFF
            ? address[12..]
            : address;

    /// <summary>Appends attributes after the header; the length field is set as each hash needs it.</summary>
    private ref struct Builder
    {
        private readonly Span<byte> _buffer;
        private int _position;

        public Builder(Span<byte> buffer, int method, StunMessageClass messageClass, ReadOnlySpan<byte> transactionId)
        {
            if (transactionId.Length != StunMessage.TransactionIdLength)
            {
                throw new ArgumentException("A transaction ID is 12 bytes.", nameof(transactionId));
            }

            _buffer = buffer;
            int cls = (int)messageClass;
            int type = (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | ((cls & 1) << 4) | ((cls & 2) << 7);
            BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)type);
            BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessage.MagicCookie);
            transactionId.CopyTo(buffer[8..]);
            _position = StunMessage.HeaderLength;
        }

        public void Add(ushort type, scoped ReadOnlySpan<byte> value)
        {
            int padded = (value.Length + 3) & ~3;
            var attribute = _buffer.Slice(_position, StunMessage.AttributeHeaderLength + padded);
            BinaryPrimitives.WriteUInt16BigEndian(attribute, type);
            BinaryPrimitives.WriteUInt16BigEndian(attribute[2..], (ushort)value.Length);
            value.CopyTo(attribute[StunMessage.AttributeHeaderLength..]);
            attribute[(StunMessage.AttributeHeaderLength + value.Length)..].Clear();
            _position += attribute.Length;
        }

        /// <summary>MESSAGE-INTEGRITY when there is a key, then FINGERPRINT; returns the message length.</summary>
        public int Finish(scoped ReadOnlySpan<byte> integrityKey)
        {
            if (!integrityKey.IsEmpty)
            {
                SetLength(_position + StunMessage.AttributeHeaderLength + StunMessage.MessageIntegrityLength);
                Span<byte> mac = stackalloc byte[StunMessage.MessageIntegrityLength];
                HMACSHA1.TryHashData(integrityKey, _buffer[.._position], mac, out _);
                Add(StunAttributeType.MessageIntegrity, mac);
            }

            SetLength(_position + StunMessage.AttributeHeaderLength + StunMessage.FingerprintLength);
            Span<byte> crc = stackalloc byte[StunMessage.FingerprintLength];
            BinaryPrimitives.WriteUInt32BigEndian(crc, StunFingerprint.Compute(_buffer[.._position]));
            Add(StunAttributeType.Fingerprint, crc);
            return _position;
        }

        private readonly void SetLength(int messageEnd) =>
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(messageEnd - StunMessage.HeaderLength));
    }
}
