using System.Globalization;
using One2One.MediaServer.Rtc.Dtls.Crypto;
using One2One.MediaServer.Rtc.Dtls.Records;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// What the server makes of a ClientHello: the cipher suite and SRTP profile by our preference, or the fatal alert
/// and the reason in words when the client's offer leaves nothing we accept. Stateless.
/// </summary>
internal static class DtlsNegotiation
{
    public static (DtlsCipherSuite Suite, SrtpProfile Profile) Choose(ClientHello hello, bool requireExtendedMasterSecret)
    {
        // DTLS versions count down: {254, 253} is 1.2, {254, 255} is 1.0 (RFC 6347 §4.1). A client offering a later
        // version gets 1.2, as RFC 5246 appendix E.1 has it.
        if (hello.ClientVersion >> 8 != 0xFE || (hello.ClientVersion & 0xFF) > 0xFD)
        {
            throw new DtlsAlertException(DtlsAlertDescription.ProtocolVersion,
                $"the client offers DTLS version 0x{hello.ClientVersion:X4}; this server speaks DTLS 1.2 only");
        }

        if (hello.HasRenegotiatedConnection)
        {
            throw new DtlsAlertException(DtlsAlertDescription.HandshakeFailure, "the ClientHello claims a previous connection (RFC 5746 §3.6)");
        }

        var suite = DtlsCipherSuite.ServerPreference.FirstOrDefault(s => hello.CipherSuites.Contains(s.Id))
            ?? throw new DtlsAlertException(DtlsAlertDescription.HandshakeFailure,
                $"no cipher suite in common: the client offered [{Hex(hello.CipherSuites)}], we need TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 or _256_GCM_SHA384");

        if (!hello.OffersNullCompression)
        {
            throw new DtlsAlertException(DtlsAlertDescription.IllegalParameter, "the client does not offer the null compression method");
        }

        if (hello.SupportedGroups is { } groups && !groups.Contains(EcdheP256.NamedGroup))
        {
            throw new DtlsAlertException(DtlsAlertDescription.HandshakeFailure,
                $"no elliptic curve in common: the client offered [{Hex(groups)}], we need secp256r1 (0x0017)");
        }

        if (hello.PointFormats is { } formats && !formats.Contains(TlsExtensionType.UncompressedPointFormat))
        {
            throw new DtlsAlertException(DtlsAlertDescription.IllegalParameter, "the client does not accept uncompressed points (RFC 8422 §5.1.2)");
        }

        // RFC 5246 §7.4.1.4.1 would read a missing list as {sha1,ecdsa}; we sign with SHA-256 only, and every browser lists it.
        if (hello.SignatureAlgorithms is not { } algorithms || !algorithms.Contains(TlsSignatureScheme.EcdsaSecp256r1Sha256))
        {
            throw new DtlsAlertException(DtlsAlertDescription.HandshakeFailure,
                "the client does not accept ecdsa_secp256r1_sha256 signatures, the only kind our certificate makes");
        }

        if (requireExtendedMasterSecret && !hello.OffersExtendedMasterSecret)
        {
            throw new DtlsAlertException(DtlsAlertDescription.HandshakeFailure,
                "the client does not offer extended_master_secret (RFC 7627), which this server requires");
        }

        if (hello.SrtpProfiles is not { } offered)
        {
            throw new DtlsAlertException(DtlsAlertDescription.HandshakeFailure, "the client did not offer the use_srtp extension (RFC 5764)");
        }

        // RFC 5764 §4.1.1: the server picks one of the client's profiles; we pick by our own preference.
        var profile = SrtpProfiles.ServerPreference.Where(p => offered.Contains((ushort)p)).Cast<SrtpProfile?>().FirstOrDefault()
            ?? throw new DtlsAlertException(DtlsAlertDescription.HandshakeFailure,
                $"no SRTP protection profile in common: the client offered [{Hex(offered)}]");

        return (suite, profile);
    }

    private static string Hex(IEnumerable<ushort> values) =>
        string.Join(", ", values.Select(v => "0x" + v.ToString("X4", CultureInfo.InvariantCulture)));
}
