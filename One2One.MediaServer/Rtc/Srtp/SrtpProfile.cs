namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// The SRTP protection profiles we negotiate; each value is the DTLS-SRTP protection profile id
/// (RFC 5764 §4.1.2, RFC 7714 §14.2).
/// </summary>
internal enum SrtpProfile : ushort
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80: every browser supports it.</summary>
    AesCm128HmacSha1_80 = 0x0001,

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32: 32-bit SRTP tag, SRTCP keeps 80 bits.</summary>
    AesCm128HmacSha1_32 = 0x0002,

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,
}

internal static class SrtpProfileExtensions
{
    public static bool IsSupported(this SrtpProfile profile) =>
        profile is SrtpProfile.AesCm128HmacSha1_80 or SrtpProfile.AesCm128HmacSha1_32 or SrtpProfile.AeadAes128Gcm;

    public static bool IsAead(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm;

    public static int MasterKeyLength(this SrtpProfile profile) => 16;

    /// <summary>112 bits for AES-CM (RFC 3711 §8.2), 96 bits for AEAD (RFC 7714 §12).</summary>
    public static int MasterSaltLength(this SrtpProfile profile) => profile.IsAead() ? 12 : 14;

    /// <summary>The HMAC-SHA1 key: 160 bits (RFC 3711 §8.2); AEAD has none.</summary>
    public static int AuthenticationKeyLength(this SrtpProfile profile) => profile.IsAead() ? 0 : 20;

    public static int RtpTagLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_32 => 4,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => 10,
    };

    /// <summary>RFC 5764 §4.1.2: SRTCP keeps an 80-bit tag under both AES-CM profiles.</summary>
    public static int RtcpTagLength(this SrtpProfile profile) => profile.IsAead() ? 16 : 10;

    /// <summary>What the DTLS exporter must produce for both directions (RFC 5764 §4.2).</summary>
    public static int KeyingMaterialLength(this SrtpProfile profile) =>
        2 * (profile.MasterKeyLength() + profile.MasterSaltLength());
}
