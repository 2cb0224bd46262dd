using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using One2One.MediaServer.Rtc.Stun;
using One2One.Tests.MediaServer.Rtc.Stun;

namespace One2One.Tests.Support.Turn;

/// <summary>
/// Just enough of a TURN client over UDP to ask a real TURN server for an allocation with the long-term credential
/// mechanism: an Allocate without credentials, the server's 401 with REALM and NONCE, then the Allocate again with
/// USERNAME, REALM, NONCE and MESSAGE-INTEGRITY keyed with MD5(username:realm:password) (RFC 8656 §7.2, RFC 5389 §10.2).
/// </summary>
/// <remarks>One request at a time; not thread-safe.</remarks>
internal sealed class TurnTestClient : IDisposable
{
    // RFC 8656 §18 and §19: methods and attributes beyond the STUN ones StunAttributeType knows.
    private const ushort AllocateRequest = 0x0003;
    private const ushort RefreshRequest = 0x0004;
    private const ushort SuccessResponseBit = 0x0100;
    private const ushort Lifetime = 0x000D;
    private const ushort XorRelayedAddress = 0x0016;
    private const ushort RequestedTransport = 0x0019;
    private const ushort Realm = 0x0014;
    private const ushort Nonce = 0x0015;
    private const byte UdpProtocol = 17;

    private static readonly TimeSpan Retransmission = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetransmission = TimeSpan.FromSeconds(4);

    private readonly Socket _socket;

    public TurnTestClient(IPEndPoint server)
    {
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
        _socket.Connect(server);
    }

    /// <summary>
    /// Asks for a UDP relay: first without credentials (the server must challenge with 401, a realm and a nonce), then
    /// with <paramref name="username"/> and <paramref name="password"/>. Returns the server's answer to the second.
    /// </summary>
    public async Task<TurnReply> AllocateAsync(string username, string password)
    {
        var challenge = await ExchangeAsync(Request(AllocateRequest, AllocateAttributes(), credentials: null));
        if (challenge.ErrorCode != 401 || challenge.Realm is null || challenge.Nonce is null)
        {
            throw new InvalidOperationException($"The TURN server did not challenge an Allocate without credentials with 401, a realm and a nonce: {challenge}");
        }

        var key = LongTermKey(username, challenge.Realm, password);
        var reply = await ExchangeAsync(Request(AllocateRequest, AllocateAttributes(), (username, challenge.Realm, challenge.Nonce, key)), key);

        // A success carries no realm or nonce: later requests on the allocation reuse the challenge's.
        return reply with { Realm = reply.Realm ?? challenge.Realm, Nonce = reply.Nonce ?? challenge.Nonce };
    }

    /// <summary>Deletes an allocation made with these credentials: Refresh with LIFETIME 0 (RFC 8656 §7).</summary>
    public async Task<TurnReply> ReleaseAsync(string username, string password, TurnReply allocated)
    {
        ArgumentNullException.ThrowIfNull(allocated.Realm);
        ArgumentNullException.ThrowIfNull(allocated.Nonce);
        var key = LongTermKey(username, allocated.Realm, password);
        return await ExchangeAsync(Request(RefreshRequest, [(Lifetime, new byte[4])], (username, allocated.Realm, allocated.Nonce, key)), key);
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>The long-term credential key, MD5(username ":" realm ":" password) (RFC 5389 §15.4).</summary>
    public static byte[] LongTermKey(string username, string realm, string password) =>
        MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}"));

    private static (ushort, byte[])[] AllocateAttributes() => [(RequestedTransport, [UdpProtocol, 0, 0, 0])];

    private static (byte[] TransactionId, byte[] Bytes) Request(
        ushort type, (ushort, byte[])[] attributes, (string Username, string Realm, string Nonce, byte[] Key)? credentials)
    {
        var transactionId = RandomNumberGenerator.GetBytes(12);
        if (credentials is { } c)
        {
            attributes =
            [
                .. attributes,
                (StunAttributeType.Username, Encoding.UTF8.GetBytes(c.Username)),
                (Realm, Encoding.UTF8.GetBytes(c.Realm)),
                (Nonce, Encoding.UTF8.GetBytes(c.Nonce)),
            ];
        }

        return (transactionId, StunTestMessage.Build(type, attributes, credentials?.Key, fingerprint: false, transactionId: transactionId));
    }

    private async Task<TurnReply> ExchangeAsync((byte[] TransactionId, byte[] Bytes) request, byte[]? key = null)
    {
        var buffer = new byte[1500];
        var wait = Retransmission;
        for (var attempt = 0; attempt < 7; attempt++, wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxRetransmission.Ticks)))
        {
            await _socket.SendAsync(request.Bytes);
            using var timeout = new CancellationTokenSource(wait);
            try
            {
                while (true)
                {
                    var length = await _socket.ReceiveAsync(buffer, timeout.Token);
                    if (TryRead(buffer.AsSpan(0, length), request.TransactionId, key, out var reply))
                    {
                        return reply;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // RFC 5389 §7.2.1: retransmit over UDP, each wait twice the last (here at most 4 s: about 20 s in all, for
                // a coturn that a loaded machine keeps from answering for a while).
            }
        }

        throw new TimeoutException("The TURN server did not answer.");
    }

    private static bool TryRead(ReadOnlySpan<byte> datagram, byte[] transactionId, byte[]? key, out TurnReply reply)
    {
        reply = null!;
        if (!StunMessage.TryParse(datagram, out var message) || !message.TransactionId.SequenceEqual(transactionId))
        {
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        int? errorCode = null;
        string? reason = null;
        if (message.TryGetErrorCode(out var code, out var phrase))
        {
            errorCode = code;
            reason = Encoding.UTF8.GetString(phrase);
        }

        reply = new TurnReply(
            Success: (type & SuccessResponseBit) != 0 && (type & 0x0010) == 0,
            ErrorCode: errorCode,
            Reason: reason,
            Realm: message.TryGetAttribute(Realm, out var realm) ? Encoding.UTF8.GetString(realm) : null,
            Nonce: message.TryGetAttribute(Nonce, out var nonce) ? Encoding.UTF8.GetString(nonce) : null,
            RelayedAddress: message.TryGetAttribute(XorRelayedAddress, out var relayed) ? XorAddress(relayed) : null,
            IntegrityVerified: key is not null && message.VerifyMessageIntegrity(key));
        return true;
    }

    // The XOR-ADDRESS encoding of RFC 5389 §15.2, IPv4 only (the lab's TURN servers are IPv4).
    private static IPEndPoint? XorAddress(ReadOnlySpan<byte> value)
    {
        if (value.Length != 8 || value[1] != 0x01)
        {
            return null;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(StunMessage.MagicCookie >> 16);
        var address = BinaryPrimitives.ReadUInt32BigEndian(value[4..]) ^ StunMessage.MagicCookie;
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
        return new IPEndPoint(new IPAddress(bytes), port);
    }
}

/// <summary>What a TURN server answered: success or an error code, the challenge's realm and nonce, the relayed address.</summary>
internal sealed record TurnReply(bool Success, int? ErrorCode, string? Reason, string? Realm, string? Nonce, IPEndPoint? RelayedAddress, bool IntegrityVerified);
