using System.Collections.Concurrent;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Dtls.Records;
using One2One.Tests.Support;
using Org.BouncyCastle.Tls;
using static One2One.Tests.MediaServer.Rtc.Dtls.DtlsTesting;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// AES-GCM record protection against BouncyCastle's record layer, with the key block BouncyCastle derived itself:
/// what BouncyCastle seals, the server and <see cref="DtlsRecordProtection"/> open; what we seal, BouncyCastle opens.
/// </summary>
public class DtlsRecordProtectionTests
{
    [Theory]
    [InlineData(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 16)]
    [InlineData(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, 32)]
    public async Task Records_sealed_by_BouncyCastle_open_here_and_ours_open_there(int suite, int keyLength)
    {
        using var test = Connected();
        var (session, pipe) = test;
        var clientSent = new ConcurrentQueue<byte[]>();
        pipe.ClientToServer = (datagram, deliver) =>
        {
            clientSent.Enqueue(datagram);
            deliver(datagram);
        };
        var client = new TestDtlsSrtpClient(TestClientCredential.Ecdsa(ClientCertificate), ServerCertificate.Fingerprint, cipherSuites: [suite]);
        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var clientTransport = await pipe.ConnectClient(client).WaitAsync(Bound);
        ShouldMatch(await serverKeys.WaitAsync(Bound), client.KeyingMaterial!);
        client.NegotiatedCipherSuite.Should().Be(suite);
        var keys = client.KeyBlock!;
        var clientKey = keys[..keyLength];
        var serverKey = keys[keyLength..(2 * keyLength)];
        var clientIv = keys[(2 * keyLength)..(2 * keyLength + 4)];
        var serverIv = keys[(2 * keyLength + 4)..];

        // BouncyCastle -> us: the session authenticates and counts the application data...
        clientTransport.Send("from BouncyCastle"u8);
        await Eventually.TrueAsync(() => session.ApplicationDataRecords == 1, "the session opens BouncyCastle's record");
        // ...and DtlsRecordProtection opens the very record, byte for byte.
        var sealedByBouncyCastle = clientSent.Last();
        DtlsRecordHeader.TryRead(sealedByBouncyCastle, out var header).Should().BeTrue();
        header.ContentType.Should().Be(DtlsContentType.ApplicationData);
        header.Epoch.Should().Be(1);
        using (var open = new DtlsRecordProtection(clientKey, clientIv))
        {
            var plaintext = new byte[100];
            open.TryOpen(header, sealedByBouncyCastle.AsSpan(13, header.Length), plaintext, out var length).Should().BeTrue();
            plaintext[..length].Should().Equal("from BouncyCastle"u8.ToArray());
        }

        // Us -> BouncyCastle: a record sealed with the server's write key is accepted by BouncyCastle's record layer.
        using (var seal = new DtlsRecordProtection(serverKey, serverIv))
        {
            pipe.DeliverToClient(Seal(seal, DtlsContentType.ApplicationData, sequenceNumber: 100, "from One2One"u8));
            var received = new byte[100];
            var length = clientTransport.Receive(received, 0, received.Length, 10_000);
            received[..length].Should().Equal("from One2One"u8.ToArray());
        }

        // A bit flipped, and a replay: both discarded; the connection stays up.
        var discarded = session.DiscardedRecords;
        var tampered = sealedByBouncyCastle.ToArray();
        tampered[^3] ^= 0x20;
        session.OnDatagram(tampered);
        session.OnDatagram(sealedByBouncyCastle);
        await Eventually.TrueAsync(() => session.DiscardedRecords == discarded + 2, "a forged and a replayed record are discarded");
        session.ApplicationDataRecords.Should().Be(1);
        session.State.Should().Be(DtlsSessionState.Connected);

        // An authenticated fatal alert from the client closes the session, unanswered.
        var sentBefore = pipe.ServerDatagrams;
        using (var clientSeal = new DtlsRecordProtection(clientKey, clientIv))
        {
            session.OnDatagram(Seal(clientSeal, DtlsContentType.Alert, sequenceNumber: 1000, [(byte)DtlsAlertLevel.Fatal, (byte)DtlsAlertDescription.InternalError]));
        }

        await session.Closed.WaitAsync(Bound);
        session.State.Should().Be(DtlsSessionState.Closed);
        pipe.ServerDatagrams.Should().Be(sentBefore, "a fatal alert is not answered");
    }

    [Fact]
    public void A_record_that_is_too_short_or_altered_does_not_open()
    {
        var key = new byte[16];
        var iv = new byte[4];
        using var protection = new DtlsRecordProtection(key, iv);
        var record = Seal(protection, DtlsContentType.ApplicationData, 7, "hello"u8);
        DtlsRecordHeader.TryRead(record, out var header).Should().BeTrue();
        var plaintext = new byte[64];

        protection.TryOpen(header, record.AsSpan(13), plaintext, out var length).Should().BeTrue();
        plaintext[..length].Should().Equal("hello"u8.ToArray());
        protection.TryOpen(header with { SequenceNumber = 8 }, record.AsSpan(13), plaintext, out _).Should().BeFalse("the sequence number is authenticated");
        protection.TryOpen(header with { ContentType = DtlsContentType.Alert }, record.AsSpan(13), plaintext, out _).Should().BeFalse("the type is authenticated");
        protection.TryOpen(header, record.AsSpan(13, 20), plaintext, out _).Should().BeFalse("shorter than nonce and tag");
    }

    [Fact]
    public void Our_AES_NI_GCM_and_the_platforms_open_each_others_records_and_refuse_the_same_forgeries()
    {
        if (!One2One.MediaServer.Rtc.Srtp.AesGcm128.IsAcceleratedSupported)
        {
            return; // only the platform's exists on this CPU; the other tests cover it
        }

        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var iv = Convert.FromHexString("a1b2c3d4");
        using var ours = new DtlsRecordProtection(key, iv, accelerated: true);
        using var platform = new DtlsRecordProtection(key, iv, accelerated: false);
        ours.RefusesWithoutException.Should().BeTrue();
        platform.RefusesWithoutException.Should().BeFalse();
        var plaintext = new byte[128];
        foreach (var (seal, open) in new[] { (ours, platform), (platform, ours) })
        {
            var record = Seal(seal, DtlsContentType.Handshake, 42, "a Finished, say: twelve bytes and more"u8);
            DtlsRecordHeader.TryRead(record, out var header).Should().BeTrue();
            open.TryOpen(header, record.AsSpan(13), plaintext, out var length).Should().BeTrue();
            plaintext[..length].Should().Equal("a Finished, say: twelve bytes and more"u8.ToArray());
            record[20] ^= 1;
            open.TryOpen(header, record.AsSpan(13), plaintext, out length).Should().BeFalse("a flipped bit fails authentication");
            length.Should().Be(0);
        }
    }

    /// <summary>An epoch 1 record: header, then <see cref="DtlsRecordProtection.Seal"/>'s nonce, ciphertext and tag.</summary>
    private static byte[] Seal(DtlsRecordProtection protection, DtlsContentType type, long sequenceNumber, ReadOnlySpan<byte> plaintext)
    {
        var record = new byte[13 + DtlsRecordProtection.Overhead + plaintext.Length];
        plaintext.CopyTo(record.AsSpan(13 + DtlsRecordProtection.ExplicitNonceLength));
        protection.Seal(type, 1, sequenceNumber, record.AsSpan(13), plaintext.Length);
        new DtlsRecordHeader(type, DtlsRecordHeader.Dtls12, 1, sequenceNumber, record.Length - 13).Write(record);
        return record;
    }
}
