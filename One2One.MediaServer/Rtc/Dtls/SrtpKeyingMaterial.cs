namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>DTLS-SRTP protection profiles we negotiate, with their IANA values (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
internal enum SrtpProfile : ushort
{
    Aes128CmHmacSha1_80 = 0x0001,
    Aes128CmHmacSha1_32 = 0x0002,
    AeadAes128Gcm = 0x0007,
}

internal static class SrtpProfiles
{
    /// <summary>Our preference when the client offers several (RFC 5764 §4.1.1 lets the server choose).</summary>
    public static readonly IReadOnlyList<SrtpProfile> ServerPreference =
        [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.Aes128CmHmacSha1_32];

    /// <summary>All three profiles use AES-128: a 16-byte master key.</summary>
    public static int MasterKeyLength(this SrtpProfile profile) => 16;

    /// <summary>112-bit master salt for AES-CM (RFC 3711 §8.2), 96-bit for AES-GCM (RFC 7714 §12).</summary>
    public static int MasterSaltLength(this SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;

    public static bool IsKnown(int value) =>
        value is (int)SrtpProfile.Aes128CmHmacSha1_80 or (int)SrtpProfile.Aes128CmHmacSha1_32 or (int)SrtpProfile.AeadAes128Gcm;
}

/// <summary>
/// SRTP master keys and salts from a DTLS-SRTP handshake. The client's protect what the browser sends (our inbound
/// context), the server's protect what we send (our outbound context). Immutable.
/// </summary>
internal sealed class SrtpKeyingMaterial
{
    /// <summary>The exporter label of RFC 5764 §4.2.</summary>
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    private SrtpKeyingMaterial(SrtpProfile profile, byte[] clientKey, byte[] serverKey, byte[] clientSalt, byte[] serverSalt)
    {
        Profile = profile;
        ClientWriteKey = clientKey;
        ServerWriteKey = serverKey;
        ClientWriteSalt = clientSalt;
        ServerWriteSalt = serverSalt;
    }

    public SrtpProfile Profile { get; }

    public ReadOnlyMemory<byte> ClientWriteKey { get; }

    public ReadOnlyMemory<byte> ClientWriteSalt { get; }

    public ReadOnlyMemory<byte> ServerWriteKey { get; }

    public ReadOnlyMemory<byte> ServerWriteSalt { get; }

    /// <summary>How many bytes to export for the profile: two keys and two salts.</summary>
    public static int ExportLength(SrtpProfile profile) => 2 * (profile.MasterKeyLength() + profile.MasterSaltLength());

    /// <summary>
    /// Splits the exporter output as RFC 5764 §4.2 lays it out: client_write_SRTP_master_key, server_write_SRTP_master_key,
    /// client_write_SRTP_master_salt, server_write_SRTP_master_salt.
    /// </summary>
    public static SrtpKeyingMaterial FromExporterOutput(SrtpProfile profile, ReadOnlySpan<byte> exported)
    {
        var keyLength = profile.MasterKeyLength();
        var saltLength = profile.MasterSaltLength();
        if (exported.Length != ExportLength(profile))
        {
            throw new ArgumentException($"{profile} needs {ExportLength(profile)} bytes of keying material, got {exported.Length}.", nameof(exported));
        }

        return new SrtpKeyingMaterial(
            profile,
            exported[..keyLength].ToArray(),
            exported.Slice(keyLength, keyLength).ToArray(),
            exported.Slice(2 * keyLength, saltLength).ToArray(),
            exported.Slice(2 * keyLength + saltLength, saltLength).ToArray());
    }
}
