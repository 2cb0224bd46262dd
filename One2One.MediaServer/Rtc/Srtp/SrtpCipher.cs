namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// The cryptographic transform of one profile, without index or replay bookkeeping (that is
/// <see cref="SrtpContext"/>'s). Works in place; one thread at a time, like its context.
/// </summary>
internal abstract class SrtpCipher : IDisposable
{
    /// <summary>The E flag of the SRTCP index word: the payload is encrypted (RFC 3711 §3.4).</summary>
    public const uint EncryptedFlag = 0x8000_0000;

    public const int RtcpHeaderLength = 8;
    public const int SrtcpIndexLength = 4;

    public abstract int RtpTagLength { get; }

    /// <summary>What SRTCP adds: the E flag and index word and the tag.</summary>
    public abstract int RtcpTrailerLength { get; }

    /// <summary>
    /// <paramref name="packet"/>[..payloadEnd] is an RTP packet whose header is <paramref name="headerLength"/>
    /// long: encrypts the payload and writes the tag after it. <paramref name="index"/> is the 48-bit SRTP index.
    /// </summary>
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, int payloadEnd, uint ssrc, ulong index);

    /// <summary><paramref name="packet"/> is header, encrypted payload and tag: authenticates, then decrypts in place.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index);

    /// <summary>Encrypts the RTCP compound <paramref name="packet"/>[..length] after its first 8 bytes and appends the trailer; returns the new length.</summary>
    public abstract int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    /// <summary>The E flag and SRTCP index word of a protected packet.</summary>
    public abstract uint ReadIndexWord(ReadOnlySpan<byte> packet);

    /// <summary>Authenticates a protected compound and, when the E flag says so, decrypts it in place.</summary>
    public abstract bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord);

    public abstract void Dispose();
}
