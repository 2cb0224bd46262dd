using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>The DTLS-SRTP server's choice among the profiles a client offers (RFC 5764 §4.1.1 lets the server choose).</summary>
internal static class SrtpProfiles
{
    /// <summary>Our preference: AES-GCM (cheaper per packet, see the benchmarks) before AES-CM.</summary>
    public static readonly IReadOnlyList<SrtpProfile> ServerPreference =
        [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32];

    public static bool IsKnown(int value) => ((SrtpProfile)value).IsSupported();
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
