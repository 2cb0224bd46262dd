using CryptographicOperations = System.Security.Cryptography.CryptographicOperations;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// The BouncyCastle server peer of one DTLS-SRTP handshake: DTLS 1.2 only, ECDHE-ECDSA suites with AES-128-GCM
/// first, extended master secret required (RFC 7627), use_srtp (RFC 5764) with our profile preference, and a
/// mandatory client certificate that must match the offer's a=fingerprint (RFC 8122 §5, RFC 8827 §6.5).
/// BouncyCastle calls it on the handshake thread only; <see cref="NotifyAlertReceived"/> may later run on the
/// post-handshake work item, one at a time.
/// </summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private static readonly int[] CipherSuitesInPreferenceOrder =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    private readonly DtlsCertificate _certificate;
    private readonly IReadOnlyList<DtlsFingerprint> _expectedClientFingerprints;
    private readonly ILogger _logger;
    private SrtpProfile? _profile;

    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, IReadOnlyList<DtlsFingerprint> expectedClientFingerprints, ILogger logger)
        : base(crypto)
    {
        _certificate = certificate;
        _expectedClientFingerprints = expectedClientFingerprints;
        _logger = logger;
    }

    /// <summary>Set when the handshake completes.</summary>
    public SrtpKeyingMaterial? KeyingMaterial { get; private set; }

    /// <summary>Our own reason for aborting the handshake, when it was our decision (profile, certificate).</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The negotiated cipher suite's IANA number, once known.</summary>
    public int NegotiatedCipherSuite => m_context?.SecurityParameters?.CipherSuite ?? 0;

    /// <summary>A fatal or close_notify alert from the client after the handshake; the session turns it into Closed.</summary>
    public event Action<short, short>? AlertReceived;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, CipherSuitesInPreferenceOrder);

    protected override bool PreferLocalCipherSuites() => true;

    public override bool RequiresExtendedMasterSecret() => true;

    /// <summary>RFC 6347 §4.1.2.7: a record that fails authentication is discarded, not a reason to end the connection.</summary>
    public override bool IgnoreCorruptDtlsRecords => true;

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);

        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null)
        {
            Fail(AlertDescription.handshake_failure, "the client did not offer the use_srtp extension (RFC 5764)");
        }

        // RFC 5764 §4.1.1: the server picks one of the client's profiles; we pick by our own preference.
        foreach (var preferred in SrtpProfiles.ServerPreference)
        {
            if (Array.IndexOf(offered.ProtectionProfiles, (int)preferred) >= 0)
            {
                _profile = preferred;
                return;
            }
        }

        Fail(AlertDescription.handshake_failure,
            $"no SRTP protection profile in common: the client offered [{string.Join(", ", offered.ProtectionProfiles.Select(p => "0x" + p.ToString("X4", System.Globalization.CultureInfo.InvariantCulture)))}]");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());

        // We use no MKI, so the srtp_mki we return is empty (RFC 5764 §4.1.1).
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)_profile!.Value], TlsUtilities.EmptyBytes));
        return extensions;
    }

    /// <summary>WebRTC authenticates the browser by its certificate's fingerprint, so we always ask for one.</summary>
    public override CertificateRequest GetCertificateRequest() => new(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context),
        null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
        {
            Fail(AlertDescription.handshake_failure, "the client sent no certificate, so it cannot be checked against the offer's a=fingerprint");
        }

        // RFC 8122 §5: the end-entity certificate must match one of the fingerprints the offer announced.
        var der = clientCertificate.GetCertificateAt(0).GetEncoded();
        foreach (var expected in _expectedClientFingerprints)
        {
            if (expected.Matches(der))
            {
                return;
            }
        }

        var actual = DtlsFingerprint.Compute(_expectedClientFingerprints.Count > 0 ? _expectedClientFingerprints[0].HashFunction : "sha-256", der);
        Fail(AlertDescription.bad_certificate,
            $"the client certificate's fingerprint {actual} does not match the offer's a=fingerprint {string.Join(" / ", _expectedClientFingerprints)}");
    }

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var crypto = (BcTlsCrypto)Crypto;
        var chain = new Certificate([new BcTlsCertificate(crypto, _certificate.DerEncoded.ToArray())]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, _certificate.PrivateKey, chain, ChooseEcdsaAlgorithm());
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();

        // Exported here: BouncyCastle clears the master secret when Accept returns.
        var profile = _profile!.Value;
        var exported = m_context.ExportKeyingMaterial(SrtpKeyingMaterial.ExporterLabel, null, SrtpKeyingMaterial.ExportLength(profile));
        KeyingMaterial = SrtpKeyingMaterial.FromExporterOutput(profile, exported);
        CryptographicOperations.ZeroMemory(exported);
    }

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause)
    {
        DtlsLog.AlertSent(_logger, AlertLevel.GetText(alertLevel), AlertDescription.GetText(alertDescription), message ?? cause?.Message);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription)
    {
        DtlsLog.AlertReceived(_logger, AlertLevel.GetText(alertLevel), AlertDescription.GetText(alertDescription));
        AlertReceived?.Invoke(alertLevel, alertDescription);
    }

    /// <summary>ECDSA with SHA-256 suits a P-256 key; take it if the client lists it (it always does in practice).</summary>
    private SignatureAndHashAlgorithm ChooseEcdsaAlgorithm()
    {
        var preferred = new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
        var offered = m_context.SecurityParameters.ClientSigAlgs;
        if (offered is null || offered.Contains(preferred))
        {
            return preferred;
        }

        foreach (var algorithm in offered)
        {
            if (algorithm.Signature == SignatureAlgorithm.ecdsa)
            {
                return algorithm;
            }
        }

        return preferred;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(short alertDescription, string reason)
    {
        FailureReason = reason;
        throw new TlsFatalAlert(alertDescription, reason);
    }
}
