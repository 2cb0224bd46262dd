using One2One.MediaServer.Rtc.Dtls;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class DtlsDatagramQueueTests
{
    [Fact]
    public void Datagrams_come_out_in_order_as_copies()
    {
        using var queue = new DtlsDatagramQueue(4, 100);
        var source = new byte[] { 22, 1, 2 };
        queue.TryEnqueue(source).Should().BeTrue();
        source[0] = 99;
        queue.TryEnqueue(new byte[] { 23, 4 }).Should().BeTrue();
        queue.Bytes.Should().Be(5);

        var buffer = new byte[100];
        queue.TryDequeue(buffer, out var first).Should().BeTrue();
        buffer[..first].Should().Equal(22, 1, 2);
        queue.TryDequeue(buffer, out var second).Should().BeTrue();
        buffer[..second].Should().Equal(23, 4);
        queue.TryDequeue(buffer, out _).Should().BeFalse();
        queue.Bytes.Should().Be(0);
    }

    [Fact]
    public void A_full_queue_and_oversized_or_empty_datagrams_are_dropped()
    {
        using var queue = new DtlsDatagramQueue(2, 10);

        queue.TryEnqueue(new byte[11]).Should().BeFalse();
        queue.TryEnqueue([]).Should().BeFalse();
        queue.TryEnqueue(new byte[10]).Should().BeTrue();
        queue.TryEnqueue(new byte[1]).Should().BeTrue();
        queue.TryEnqueue(new byte[1]).Should().BeFalse();
        queue.Count.Should().Be(2);
        queue.Bytes.Should().Be(11);
    }

    [Fact]
    public void Clear_and_dispose_release_everything_and_later_datagrams_are_dropped()
    {
        var queue = new DtlsDatagramQueue(2, 10);
        queue.TryEnqueue(new byte[] { 1, 2 });
        queue.Clear();
        queue.Count.Should().Be(0);
        queue.Bytes.Should().Be(0);

        queue.TryEnqueue(new byte[] { 3 }).Should().BeTrue();
        queue.Dispose();
        queue.Count.Should().Be(0);
        queue.TryEnqueue(new byte[] { 1 }).Should().BeFalse();
        queue.TryDequeue(new byte[10], out _).Should().BeFalse();
    }
}
