using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Dtls.Records;
using One2One.Tests.Support;
using Org.BouncyCastle.Tls;
using static One2One.Tests.MediaServer.Rtc.Dtls.DtlsTesting;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>What bounds the cost of forged epoch 1 records must not cost a browser its call.</summary>
public class DtlsForgedRecordTests
{
    [Theory]
    [InlineData(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)]
    [InlineData(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)]
    public async Task A_connected_session_accepts_the_browsers_records_after_forged_ones_so_its_call_survives(int suite)
    {
        var time = new FakeTimeProvider();
        using var test = Connected(time: time);
        var (session, pipe) = test;
        var client = new TestDtlsSrtpClient(TestClientCredential.Ecdsa(ClientCertificate), ServerCertificate.Fingerprint, cipherSuites: [suite]);
        var serverKeys = session.Start(ClientCertificate.Fingerprint);
        var clientTransport = await pipe.ConnectClient(client).WaitAsync(Bound);
        await serverKeys.WaitAsync(Bound);
        var random = new Random(5764);

        // A few records corrupted on the way, as a browser's rarely are: discarded, and nothing else changes.
        session.OnDatagram(ForgedRecords.Datagram(random, records: 3));
        clientTransport.Send("after three bad records"u8);
        await Eventually.TrueAsync(() => session.ApplicationDataRecords == 1, "the browser's next record opens");
        session.State.Should().Be(DtlsSessionState.Connected);

        // A flood well past the bad-record limit. However it was handled, once the limit's window has passed the
        // browser's records open again: the association was not ended.
        var discarded = session.DiscardedRecords;
        for (var i = 0; i < 10; i++)
        {
            session.OnDatagram(ForgedRecords.Datagram(random));
        }

        await Eventually.TrueAsync(() => session.DiscardedRecords == discarded + 10 * ForgedRecords.PerDatagram, "every forged record is discarded");
        session.DroppedDatagrams.Should().Be(0);
        time.Advance(BadRecordLimit.Window);
        clientTransport.Send("after the flood"u8);
        await Eventually.TrueAsync(() => session.ApplicationDataRecords == 2, "the browser's record after the flood opens");
        session.State.Should().Be(DtlsSessionState.Connected);
        client.ReceivedAlerts.Should().BeEmpty("forged records are discarded silently (RFC 6347 §4.1.2.7)");
    }
}
