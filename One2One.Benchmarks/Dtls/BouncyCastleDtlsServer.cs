using System.Collections.Concurrent;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Srtp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using TlsHashAlgorithm = Org.BouncyCastle.Tls.HashAlgorithm;

namespace One2One.Benchmarks.Dtls;

/// <summary>
/// The baseline of <c>dtls-handshake</c>: the media server's DTLS server before it moved to .NET's crypto, that is
/// BouncyCastle's blocking <see cref="DtlsServerProtocol.Accept(TlsServer, DatagramTransport)"/> on a thread of its
/// own per handshake, configured as it was (ECDHE-ECDSA with AES-GCM first, extended master secret required, use_srtp
/// with AES-GCM preferred, a client certificate checked against the offer's fingerprint).
/// </summary>
internal sealed class BouncyCastleDtlsServer : DefaultTlsServer
{
    private readonly byte[] _certificate;
    private readonly AsymmetricKeyParameter _privateKey;
    private readonly DtlsFingerprint _expectedClient;
    private SrtpProfile _profile;

    private BouncyCastleDtlsServer(byte[] certificate, AsymmetricKeyParameter privateKey, DtlsFingerprint expectedClient)
        : base(new BcTlsCrypto(new SecureRandom()))
    {
        _certificate = certificate;
        _privateKey = privateKey;
        _expectedClient = expectedClient;
    }

    public SrtpKeyingMaterial? KeyingMaterial { get; private set; }

    /// <summary>The CPU time of every handshake thread so far, each measured by the thread itself as it ends.</summary>
    public static TimeSpan HandshakeThreadsCpu => TimeSpan.FromTicks(Interlocked.Read(ref s_handshakeThreadNanoseconds) / 100);

    private static long s_handshakeThreadNanoseconds;

    /// <summary>Runs one handshake on a new thread, as the old DtlsServerSession did; completes with the SRTP keys.</summary>
    public static Task<SrtpKeyingMaterial> AcceptOnOwnThread(
        byte[] certificate, AsymmetricKeyParameter privateKey, DtlsFingerprint expectedClient, DatagramTransport transport)
    {
        var done = new TaskCompletionSource<SrtpKeyingMaterial>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var cpuStart = ThreadCpuClock.Nanoseconds();
            try
            {
                var server = new BouncyCastleDtlsServer(certificate, privateKey, expectedClient);
                new DtlsServerProtocol().Accept(server, transport);
                done.SetResult(server.KeyingMaterial!);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
            finally
            {
                Interlocked.Add(ref s_handshakeThreadNanoseconds, ThreadCpuClock.Nanoseconds() - cpuStart);
            }
        }, 256 * 1024)
        { IsBackground = true, Name = "DTLS handshake" };
        thread.Start();
        return done.Task;
    }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto,
        [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]);

    protected override bool PreferLocalCipherSuites() => true;

    public override bool RequiresExtendedMasterSecret() => true;

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions) ?? throw new TlsFatalAlert(AlertDescription.handshake_failure);
        _profile = Array.IndexOf(offered.ProtectionProfiles, (int)SrtpProfile.AeadAes128Gcm) >= 0 ? SrtpProfile.AeadAes128Gcm : SrtpProfile.AesCm128HmacSha1_80;
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)_profile], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate.IsEmpty || !_expectedClient.Matches(clientCertificate.GetCertificateAt(0).GetEncoded()))
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
    }

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var crypto = (BcTlsCrypto)Crypto;
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, _privateKey,
            new Certificate([new BcTlsCertificate(crypto, _certificate)]), new SignatureAndHashAlgorithm(TlsHashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var exported = m_context.ExportKeyingMaterial(SrtpKeyingMaterial.ExporterLabel, null, SrtpKeyingMaterial.ExportLength(_profile));
        KeyingMaterial = SrtpKeyingMaterial.FromExporterOutput(_profile, exported);
    }
}

/// <summary>One end of an in-memory datagram link for BouncyCastle: receives from one queue, sends to the other.</summary>
internal sealed class QueueDatagramTransport(BlockingCollection<byte[]> incoming, BlockingCollection<byte[]> outgoing) : DatagramTransport
{
    public int GetReceiveLimit() => 2048;

    public int GetSendLimit() => 1200;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (!incoming.TryTake(out var datagram, waitMillis == 0 ? Timeout.Infinite : waitMillis))
        {
            return -1;
        }

        datagram.AsSpan(0, Math.Min(datagram.Length, buffer.Length)).CopyTo(buffer);
        return Math.Min(datagram.Length, buffer.Length);
    }

    public void Send(byte[] buf, int off, int len) => outgoing.Add(buf.AsSpan(off, len).ToArray());

    public void Send(ReadOnlySpan<byte> buffer) => outgoing.Add(buffer.ToArray());

    public void Close()
    {
    }
}
