using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// A BouncyCastle DTLS 1.2 client acting as a browser: its own certificate, use_srtp with the given profiles,
/// and a check of the server certificate against the answer's fingerprint. Exports the SRTP keys the same way.
/// It is the independent implementation the server is tested against.
/// </summary>
internal sealed class TestDtlsSrtpClient : DefaultTlsClient
{
    private static readonly int[] DefaultCipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    private readonly TestClientCredential _credential;
    private readonly DtlsFingerprint _expectedServerFingerprint;
    private readonly int[] _profiles;
    private readonly int[] _cipherSuites;
    private readonly bool _sendCertificate;
    private readonly bool _offerSrtp;
    private readonly bool _extendedMasterSecret;
    private readonly int _handshakeTimeoutMillis;
    private int _selectedProfile = -1;

    public TestDtlsSrtpClient(
        DtlsCertificate certificate,
        DtlsFingerprint expectedServerFingerprint,
        int[]? profiles = null,
        bool sendCertificate = true,
        bool offerSrtp = true,
        int handshakeTimeoutMillis = 20_000)
        : this(TestClientCredential.Ecdsa(certificate), expectedServerFingerprint, profiles, sendCertificate, offerSrtp, handshakeTimeoutMillis: handshakeTimeoutMillis)
    {
    }

    public TestDtlsSrtpClient(
        TestClientCredential credential,
        DtlsFingerprint expectedServerFingerprint,
        int[]? profiles = null,
        bool sendCertificate = true,
        bool offerSrtp = true,
        bool extendedMasterSecret = true,
        int[]? cipherSuites = null,
        int handshakeTimeoutMillis = 20_000)
        : base(new BcTlsCrypto(new SecureRandom()))
    {
        _credential = credential;
        _expectedServerFingerprint = expectedServerFingerprint;
        _profiles = profiles ?? [SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32];
        _cipherSuites = cipherSuites ?? DefaultCipherSuites;
        _sendCertificate = sendCertificate;
        _offerSrtp = offerSrtp;
        _extendedMasterSecret = extendedMasterSecret;
        _handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    public SrtpKeyingMaterial? KeyingMaterial { get; private set; }

    public bool ServerCertificateChecked { get; private set; }

    /// <summary>The cipher suite the server chose (IANA value), once the handshake is done.</summary>
    public int NegotiatedCipherSuite { get; private set; }

    /// <summary>Whether the handshake used the extended master secret (RFC 7627).</summary>
    public bool UsedExtendedMasterSecret { get; private set; }

    /// <summary>
    /// The key block as BouncyCastle derives it (client_write_key, server_write_key, client_write_IV, server_write_IV),
    /// so a test can protect and open records independently of the server under test.
    /// </summary>
    public byte[]? KeyBlock { get; private set; }

    /// <summary>Alert descriptions the client received, in order (close_notify is 0).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<short> ReceivedAlerts { get; } = new();

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) => ReceivedAlerts.Enqueue(alertDescription);

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, _cipherSuites);

    /// <summary>Bounds a test that goes wrong; the server's own limit is what the tests look at.</summary>
    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMillis;

    public override bool ShouldUseExtendedMasterSecret() => _extendedMasterSecret;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        if (_offerSrtp)
        {
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_profiles, TlsUtilities.EmptyBytes));
        }

        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var selected = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (selected is null || selected.ProtectionProfiles.Length != 1 || Array.IndexOf(_profiles, selected.ProtectionProfiles[0]) < 0)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server selected no offered SRTP profile");
        }

        _selectedProfile = selected.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        NegotiatedCipherSuite = m_context.SecurityParameters.CipherSuite;
        UsedExtendedMasterSecret = m_context.SecurityParameters.IsExtendedMasterSecret;
        var parameters = m_context.SecurityParameters;
        var keyLength = NegotiatedCipherSuite == CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 ? 32 : 16;
        KeyBlock = parameters.MasterSecret.DeriveUsingPrf(parameters.PrfAlgorithm, "key expansion",
            (byte[])[.. parameters.ServerRandom, .. parameters.ClientRandom], 2 * (keyLength + 4)).Extract();
        var profile = (SrtpProfile)_selectedProfile;
        // BouncyCastle refuses its exporter without the extended master secret (RFC 7627 §5.4); the same PRF by hand then.
        var exported = UsedExtendedMasterSecret
            ? m_context.ExportKeyingMaterial(SrtpKeyingMaterial.ExporterLabel, null, SrtpKeyingMaterial.ExportLength(profile))
            : parameters.MasterSecret.DeriveUsingPrf(parameters.PrfAlgorithm, SrtpKeyingMaterial.ExporterLabel,
                (byte[])[.. parameters.ClientRandom, .. parameters.ServerRandom], SrtpKeyingMaterial.ExportLength(profile)).Extract();
        KeyingMaterial = SrtpKeyingMaterial.FromExporterOutput(profile, exported);
    }

    private sealed class Authentication(TestDtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            var der = serverCertificate.Certificate.GetCertificateAt(0).GetEncoded();
            if (!client._expectedServerFingerprint.Matches(der))
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "server certificate does not match the answer's fingerprint");
            }

            client.ServerCertificateChecked = true;
        }

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest)
        {
            if (!client._sendCertificate)
            {
                return null;
            }

            var crypto = (BcTlsCrypto)client.Crypto;
            var chain = new Certificate([new BcTlsCertificate(crypto, client._credential.CertificateDer)]);
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), crypto, client._credential.PrivateKey, chain,
                client._credential.Signature);
        }
    }
}
