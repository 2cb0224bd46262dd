using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Dtls.Handshake;
using One2One.MediaServer.Rtc.Dtls.Records;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class DtlsFlightTests
{
    [Theory]
    [InlineData(1200)]
    [InlineData(300)]
    [InlineData(113)]
    public void A_flight_fits_the_datagram_size_and_reassembles_into_its_messages(int maxDatagramSize)
    {
        var messages = new (HandshakeType Type, byte[] Body)[]
        {
            (HandshakeType.ServerHello, Body(90, 1)),
            (HandshakeType.Certificate, Body(700, 2)),
            (HandshakeType.ServerKeyExchange, Body(150, 3)),
            (HandshakeType.ServerHelloDone, []),
        };
        var flight = new DtlsFlight();
        for (var i = 0; i < messages.Length; i++)
        {
            flight.AddHandshake(messages[i].Type, i, messages[i].Body, epoch: 0);
        }

        var sent = new Recorder();
        using var records = new DtlsRecordLayer();
        var datagrams = flight.Send(records, sent, maxDatagramSize);

        datagrams.Should().Be(sent.Datagrams.Count);
        sent.Datagrams.Should().AllSatisfy(d => d.Length.Should().BeLessThanOrEqualTo(maxDatagramSize));
        if (maxDatagramSize == 1200)
        {
            datagrams.Should().Be(1, "the whole flight fits in one datagram");
        }

        var reassembler = new HandshakeReassembler(4096, 16384);
        var sequences = new HashSet<long>();
        foreach (var datagram in sent.Datagrams)
        {
            var rest = datagram.AsSpan();
            while (DtlsRecordHeader.TryRead(rest, out var header))
            {
                sequences.Add(header.SequenceNumber).Should().BeTrue("every record has its own sequence number");
                var body = rest.Slice(13, header.Length);
                HandshakeHeader.TryRead(body, out var fragment).Should().BeTrue();
                reassembler.Add(fragment, body[12..], header.Epoch);
                rest = rest[(13 + header.Length)..];
            }

            rest.IsEmpty.Should().BeTrue();
        }

        for (var i = 0; i < messages.Length; i++)
        {
            reassembler.TryTakeNext(out var message).Should().BeTrue();
            message.Type.Should().Be(messages[i].Type);
            message.Body.Should().Equal(messages[i].Body);
        }
    }

    private static byte[] Body(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(i * seed)).ToArray();

    private sealed class Recorder : IDatagramSender
    {
        public List<byte[]> Datagrams { get; } = [];

        public void Send(ReadOnlySpan<byte> datagram) => Datagrams.Add(datagram.ToArray());
    }
}
