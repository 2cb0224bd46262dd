using System.Formats.Asn1;
using System.Numerics;
using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Tls;
using static One2One.Tests.MediaServer.Rtc.Dtls.DtlsTesting;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>Handshakes with the BouncyCastle client in the shapes browsers use: key types, suites, EMS, small MTUs.</summary>
public class DtlsHandshakeVariantsTests
{
    [Theory]
    [InlineData("ecdsa", true)]
    [InlineData("ecdsa", false)]
    [InlineData("rsa-pkcs1", true)]
    [InlineData("rsa-pkcs1", false)]
    [InlineData("rsa-pss", true)]
    [InlineData("rsa-pss", false)]
    public async Task Client_certificates_of_each_kind_with_and_without_the_extended_master_secret(string key, bool extendedMasterSecret)
    {
        var credential = key switch
        {
            "ecdsa" => TestClientCredential.Ecdsa(ClientCertificate),
            "rsa-pkcs1" => TestClientCredential.RsaPkcs1,
            _ => TestClientCredential.RsaPss,
        };
        using var test = Connected();
        var (session, pipe) = test;
        var client = new TestDtlsSrtpClient(credential, ServerCertificate.Fingerprint, extendedMasterSecret: extendedMasterSecret);

        var serverKeys = session.Start(credential.Fingerprint);
        await pipe.ConnectClient(client).WaitAsync(Bound);

        ShouldMatch(await serverKeys.WaitAsync(Bound), client.KeyingMaterial!);
        client.UsedExtendedMasterSecret.Should().Be(extendedMasterSecret);
        client.NegotiatedCipherSuite.Should().Be(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "we prefer AES-128-GCM whatever the client's order");
    }

    [Fact]
    public async Task A_server_that_requires_the_extended_master_secret_refuses_a_client_without_it()
    {
        using var test = Connected(new DtlsServerSessionOptions { RequireExtendedMasterSecret = true });
        var (session, pipe) = test;
        var client = new TestDtlsSrtpClient(TestClientCredential.Ecdsa(ClientCertificate), ServerCertificate.Fingerprint, extendedMasterSecret: false);

        var handshake = session.Start(ClientCertificate.Fingerprint);
        var connect = pipe.ConnectClient(client);

        (await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>())
            .Which.Message.Should().Contain("extended_master_secret");
        (await FluentActions.Awaiting(() => connect.WaitAsync(Bound)).Should().ThrowAsync<TlsFatalAlertReceived>())
            .Which.AlertDescription.Should().Be(AlertDescription.handshake_failure);
    }

    [Fact]
    public async Task AES_256_GCM_with_SHA_384_is_taken_when_it_is_all_the_client_offers()
    {
        using var test = Connected();
        var (session, pipe) = test;
        var client = new TestDtlsSrtpClient(TestClientCredential.Ecdsa(ClientCertificate), ServerCertificate.Fingerprint,
            cipherSuites: [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA]);

        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        await pipe.ConnectClient(client).WaitAsync(Bound);

        ShouldMatch(await serverKeys.WaitAsync(Bound), client.KeyingMaterial!);
        client.NegotiatedCipherSuite.Should().Be(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
    }

    [Fact]
    public async Task A_client_with_no_suite_in_common_gets_handshake_failure()
    {
        using var test = Connected();
        var (session, pipe) = test;
        var client = new TestDtlsSrtpClient(TestClientCredential.Ecdsa(ClientCertificate), ServerCertificate.Fingerprint,
            cipherSuites: [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256]);

        var handshake = session.Start(ClientCertificate.Fingerprint);
        var connect = pipe.ConnectClient(client);

        (await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>())
            .Which.Message.Should().Contain("no cipher suite in common").And.Contain("0xC023");
        (await FluentActions.Awaiting(() => connect.WaitAsync(Bound)).Should().ThrowAsync<TlsFatalAlertReceived>())
            .Which.AlertDescription.Should().Be(AlertDescription.handshake_failure);
    }

    [Fact]
    public async Task Small_MTUs_fragment_every_flight_both_ways_and_ours_stay_within_the_limit()
    {
        const int ServerLimit = 160;
        using var test = Connected(new DtlsServerSessionOptions { MaxSendSize = ServerLimit }, clientSendLimit: 120);
        var (session, pipe) = test;
        var client = new TestDtlsSrtpClient(TestClientCredential.RsaPss, ServerCertificate.Fingerprint);

        var serverKeys = session.Start(TestClientCredential.RsaPss.Fingerprint);
        await pipe.ConnectClient(client).WaitAsync(Bound);

        ShouldMatch(await serverKeys.WaitAsync(Bound), client.KeyingMaterial!);
        pipe.ServerSent.Should().AllSatisfy(d => d.Length.Should().BeLessThanOrEqualTo(ServerLimit));
        pipe.ServerSent.Count.Should().BeGreaterThan(5, "our certificate alone does not fit in one datagram");
    }

    [Fact]
    public async Task A_CertificateVerify_made_with_another_key_is_refused_with_decrypt_error()
    {
        // The certificate the offer names, signed for with a key that is not the certificate's.
        var impostor = TestClientCredential.WithKeyOf(ClientCertificate, DtlsCertificate.Create());
        using var test = Connected();
        var (session, pipe) = test;

        var handshake = session.Start(ClientCertificate.Fingerprint);
        var connect = pipe.ConnectClient(new TestDtlsSrtpClient(impostor, ServerCertificate.Fingerprint));

        (await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>())
            .Which.Message.Should().Contain("CertificateVerify (ecdsa_secp256r1_sha256) does not verify");
        (await FluentActions.Awaiting(() => connect.WaitAsync(Bound)).Should().ThrowAsync<TlsFatalAlertReceived>())
            .Which.AlertDescription.Should().Be(AlertDescription.decrypt_error);
    }

    [Fact]
    public async Task A_client_Finished_over_a_transcript_that_differs_from_ours_is_refused()
    {
        // ECDSA signatures are malleable: (r, n - s) verifies as well as (r, s). Swapping it in on the way makes our
        // transcript differ from the client's while every signature still verifies, so only the Finished check can
        // notice (RFC 5246 §7.4.9).
        using var test = Connected();
        var (session, pipe) = test;
        var swapped = 0;
        pipe.ClientToServer = (datagram, deliver) =>
        {
            if (TryMalleateCertificateVerify(datagram) is { } altered)
            {
                swapped++;
                deliver(altered);
                return;
            }

            deliver(datagram);
        };

        var handshake = session.Start(ClientCertificate.Fingerprint);
        var connect = pipe.ConnectClient(Client());

        (await FluentActions.Awaiting(() => handshake.WaitAsync(Bound)).Should().ThrowAsync<DtlsHandshakeException>())
            .Which.Message.Should().Contain("Finished does not verify");
        (await FluentActions.Awaiting(() => connect.WaitAsync(Bound)).Should().ThrowAsync<TlsFatalAlertReceived>())
            .Which.AlertDescription.Should().Be(AlertDescription.decrypt_error);
        swapped.Should().BeGreaterThan(0);
    }

    /// <summary>The datagram with its unfragmented epoch 0 CertificateVerify's ECDSA signature replaced by (r, n - s), or null.</summary>
    private static byte[]? TryMalleateCertificateVerify(byte[] datagram)
    {
        var order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
        var output = new List<byte>();
        var found = false;
        var at = 0;
        while (at + 13 <= datagram.Length)
        {
            var length = (datagram[at + 11] << 8) | datagram[at + 12];
            var record = datagram.AsSpan(at, 13 + length);
            at += record.Length;
            var isCertificateVerify = record[0] == 22 && record[3] == 0 && record[4] == 0 && record[13] == 15
                && ((record[22] << 16) | (record[23] << 8) | record[24]) == length - 12;
            if (!isCertificateVerify)
            {
                output.AddRange(record.ToArray());
                continue;
            }

            var signature = record[(13 + 12 + 4)..];
            var sequence = new AsnReader(signature.ToArray(), AsnEncodingRules.DER).ReadSequence();
            var r = sequence.ReadInteger();
            var s = sequence.ReadInteger();
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteInteger(r);
                writer.WriteInteger(order - s);
            }

            var newSignature = writer.Encode();
            var body = new List<byte>();
            body.AddRange(record.Slice(13 + 12, 2).ToArray()); // the signature scheme
            body.Add((byte)(newSignature.Length >> 8));
            body.Add((byte)newSignature.Length);
            body.AddRange(newSignature);
            var header = record.Slice(13, 12).ToArray();
            header[1] = header[9] = 0;
            header[2] = header[10] = (byte)(body.Count >> 8);
            header[3] = header[11] = (byte)body.Count;
            var recordHeader = record[..13].ToArray();
            recordHeader[11] = (byte)((12 + body.Count) >> 8);
            recordHeader[12] = (byte)(12 + body.Count);
            output.AddRange(recordHeader);
            output.AddRange(header);
            output.AddRange(body);
            found = true;
        }

        return found ? [.. output] : null;
    }
}
