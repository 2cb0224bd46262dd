using System.Buffers.Binary;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// SRTP and SRTCP (RFC 3711; RFC 7714 for AEAD_AES_128_GCM) for one direction of one DTLS
/// association: every SSRC sent that way, or every SSRC received. Use a context either to protect or
/// to unprotect, not both. Packets are transformed in place; nothing is allocated per packet (except
/// the exception behind a failed GCM authentication).
/// <para>
/// Per SSRC it keeps the RTP rollover counter, highest sequence number and 1,024-packet replay window,
/// and the SRTCP index and its window, in a table of fixed size (<see cref="DefaultMaxStreams"/>).
/// Receiving, an SSRC's state is created or advanced only after its packet authenticates, so
/// forged packets can neither fill the table nor move a window.
/// </para>
/// <para>
/// Not thread-safe: one thread at a time. An inbound context belongs to its socket's receive loop;
/// an outbound context that several threads send through needs their lock.
/// </para>
/// </summary>
internal sealed class SrtpContext : IDisposable
{
    public const int DefaultMaxStreams = 32;

    private const uint MaxSrtcpIndex = 0x7FFF_FFFF;

    private readonly SrtpCipher _cipher;
    private readonly SrtpStreamTable _streams;

    internal SrtpContext(SrtpProfile profile, SrtpSessionKeys keys, int maxStreams = DefaultMaxStreams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreams, 1);
        Profile = profile;
        _cipher = profile.IsAead() ? new AesGcmCipher(keys) : new AesCmHmacSha1Cipher(keys, profile.RtpTagLength());
        _streams = new SrtpStreamTable(maxStreams);
    }

    public SrtpProfile Profile { get; }

    /// <summary>Bytes <see cref="TryProtectRtp"/> adds after the packet: the tag.</summary>
    public int RtpOverhead => _cipher.RtpTagLength;

    /// <summary>Bytes <see cref="TryProtectRtcp"/> adds after the compound: the E flag and index word and the tag.</summary>
    public int RtcpOverhead => _cipher.RtcpTrailerLength;

    /// <summary>SSRCs the context holds state for.</summary>
    internal int StreamCount => _streams.Count;

    /// <summary>A context from a master key and salt of <paramref name="profile"/>'s lengths (ArgumentException otherwise).</summary>
    public static SrtpContext Create(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt,
        int maxStreams = DefaultMaxStreams)
    {
        if (!profile.IsSupported())
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "Not a supported SRTP protection profile.");
        }

        if (masterKey.Length != profile.MasterKeyLength() || masterSalt.Length != profile.MasterSaltLength())
        {
            throw new ArgumentException($"{profile} takes a {profile.MasterKeyLength()}-byte master key and a {profile.MasterSaltLength()}-byte master salt.");
        }

        var keys = SrtpKeyDerivation.DeriveSessionKeys(profile, masterKey, masterSalt);
        try
        {
            return new SrtpContext(profile, keys, maxStreams);
        }
        finally
        {
            keys.Clear();
        }
    }

    /// <summary>
    /// Both contexts of one side of a DTLS-SRTP association from the exported keying material, laid out
    /// as RFC 5764 §4.2 says: client key, server key, client salt, server salt. The DTLS client sends
    /// with the client's keys and receives with the server's.
    /// </summary>
    public static void CreateFromKeyingMaterial(SrtpProfile profile, ReadOnlySpan<byte> keyingMaterial, bool isDtlsClient,
        out SrtpContext inbound, out SrtpContext outbound)
    {
        if (keyingMaterial.Length != profile.KeyingMaterialLength())
        {
            throw new ArgumentException($"{profile} takes {profile.KeyingMaterialLength()} bytes of keying material.", nameof(keyingMaterial));
        }

        int keyLength = profile.MasterKeyLength();
        int saltLength = profile.MasterSaltLength();
        var clientKey = keyingMaterial[..keyLength];
        var serverKey = keyingMaterial.Slice(keyLength, keyLength);
        var clientSalt = keyingMaterial.Slice(2 * keyLength, saltLength);
        var serverSalt = keyingMaterial.Slice((2 * keyLength) + saltLength, saltLength);

        outbound = isDtlsClient ? Create(profile, clientKey, clientSalt) : Create(profile, serverKey, serverSalt);
        inbound = isDtlsClient ? Create(profile, serverKey, serverSalt) : Create(profile, clientKey, clientSalt);
    }

    /// <summary>
    /// Protects the RTP packet <paramref name="buffer"/>[..length] in place and appends its tag, for which
    /// the buffer must have room (<see cref="RtpOverhead"/>). False when the header does not parse or there is no room.
    /// </summary>
    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if ((uint)length > (uint)buffer.Length
            || buffer.Length - length < _cipher.RtpTagLength
            || !RtpHeader.TryParse(buffer[..length], out var header))
        {
            return false;
        }

        int slot = _streams.Find(header.Ssrc);
        if (slot < 0)
        {
            slot = _streams.Add(header.Ssrc);
        }

        ref var stream = ref _streams[slot];
        ulong index = header.SequenceNumber;
        if (stream.HasRtp && !RtpReplayWindow.TryEstimateIndex(stream.Rtp.Highest, header.SequenceNumber, out index))
        {
            return false;
        }

        _cipher.ProtectRtp(buffer, header.Length, length, header.Ssrc, index);

        // A relay forwards what arrives, reordered or repeated: the sender tracks the highest index
        // (for the ROC) but does not refuse a repeat.
        if (stream.HasRtp)
        {
            stream.Rtp.Accept(index);
        }
        else
        {
            stream.Rtp = RtpReplayWindow.StartingAt(index);
            stream.HasRtp = true;
        }

        _streams.Touch(slot);
        protectedLength = length + _cipher.RtpTagLength;
        return true;
    }

    /// <summary>
    /// Authenticates and decrypts the SRTP packet <paramref name="packet"/> in place; <paramref name="length"/>
    /// is then the RTP packet's length. False, with no state changed, when it is too short, does not parse,
    /// is a replay or fails authentication.
    /// </summary>
    public bool TryUnprotectRtp(Span<byte> packet, out int length)
    {
        length = 0;
        int tagLength = _cipher.RtpTagLength;
        if (packet.Length < RtpHeader.FixedLength + tagLength || !RtpHeader.TryParse(packet[..^tagLength], out var header))
        {
            return false;
        }

        int slot = _streams.Find(header.Ssrc);
        bool known = slot >= 0 && _streams[slot].HasRtp;
        ulong index = header.SequenceNumber;
        if (known)
        {
            ref readonly var window = ref _streams[slot].Rtp;
            if (!RtpReplayWindow.TryEstimateIndex(window.Highest, header.SequenceNumber, out index) || window.IsReplay(index))
            {
                return false;
            }
        }

        // RFC 3711 §3.3.1: the first packet of an SSRC starts at ROC 0 and s_l = its sequence number.
        if (!_cipher.UnprotectRtp(packet, header.Length, header.Ssrc, index))
        {
            return false;
        }

        if (slot < 0)
        {
            slot = _streams.Add(header.Ssrc);
        }

        ref var stream = ref _streams[slot];
        if (known)
        {
            stream.Rtp.Accept(index);
        }
        else
        {
            stream.Rtp = RtpReplayWindow.StartingAt(index);
            stream.HasRtp = true;
        }

        _streams.Touch(slot);
        length = packet.Length - tagLength;
        return true;
    }

    /// <summary>
    /// Protects the RTCP compound <paramref name="buffer"/>[..length] in place (always encrypted, E = 1)
    /// and appends the trailer (<see cref="RtcpOverhead"/>). The SRTCP index counts per SSRC of the first
    /// packet. False when the compound is shorter than 8 bytes, not version 2, or there is no room.
    /// </summary>
    public bool TryProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if ((uint)length > (uint)buffer.Length
            || length < SrtpCipher.RtcpHeaderLength
            || buffer[0] >> 6 != 2
            || buffer.Length - length < _cipher.RtcpTrailerLength)
        {
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        int slot = _streams.Find(ssrc);
        if (slot < 0)
        {
            slot = _streams.Add(ssrc);
        }

        ref var stream = ref _streams[slot];
        ulong next = stream.HasRtcp ? stream.Rtcp.Highest + 1 : 0;
        if (next > MaxSrtcpIndex)
        {
            // RFC 3711 §3.4: the 31-bit index must not wrap under one master key.
            return false;
        }

        protectedLength = _cipher.ProtectRtcp(buffer, length, ssrc, (uint)next);
        stream.Rtcp = ReplayWindow.StartingAt(next);
        stream.HasRtcp = true;
        _streams.Touch(slot);
        return true;
    }

    /// <summary>
    /// Authenticates and, if its E flag is set, decrypts the SRTCP packet <paramref name="packet"/> in
    /// place; <paramref name="length"/> is then the compound's length. False, with no state changed, when
    /// it is too short, a replay, or fails authentication.
    /// </summary>
    public bool TryUnprotectRtcp(Span<byte> packet, out int length)
    {
        length = 0;
        int trailerLength = _cipher.RtcpTrailerLength;
        if (packet.Length < SrtpCipher.RtcpHeaderLength + trailerLength || packet[0] >> 6 != 2)
        {
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        uint indexWord = _cipher.ReadIndexWord(packet);
        uint index = indexWord & ~SrtpCipher.EncryptedFlag;
        int slot = _streams.Find(ssrc);
        bool known = slot >= 0 && _streams[slot].HasRtcp;
        if (known && _streams[slot].Rtcp.IsReplay(index))
        {
            return false;
        }

        if (!_cipher.UnprotectRtcp(packet, ssrc, indexWord))
        {
            return false;
        }

        if (slot < 0)
        {
            slot = _streams.Add(ssrc);
        }

        ref var stream = ref _streams[slot];
        if (known)
        {
            stream.Rtcp.Accept(index);
        }
        else
        {
            stream.Rtcp = ReplayWindow.StartingAt(index);
            stream.HasRtcp = true;
        }

        _streams.Touch(slot);
        length = packet.Length - trailerLength;
        return true;
    }

    public void Dispose() => _cipher.Dispose();
}
