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

        var buffer = new byte[100];
        queue.Dequeue(buffer, 0, default).Should().Be(3);
        buffer[..3].Should().Equal(22, 1, 2);
        queue.Dequeue(buffer, 0, default).Should().Be(2);
        buffer[..2].Should().Equal(23, 4);
        queue.Dequeue(buffer, 0, default).Should().Be(-1);
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
    }

    [Fact]
    public void A_datagram_larger_than_the_destination_is_truncated()
    {
        using var queue = new DtlsDatagramQueue(2, 10);
        queue.TryEnqueue(new byte[] { 1, 2, 3, 4 });

        var small = new byte[2];
        queue.Dequeue(small, 0, default).Should().Be(2);
        small.Should().Equal(1, 2);
    }

    [Fact]
    public async Task A_waiting_consumer_wakes_for_a_datagram()
    {
        using var queue = new DtlsDatagramQueue(2, 10);
        var consumer = Task.Factory.StartNew(() => queue.Dequeue(new byte[10], Timeout.Infinite, default),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        queue.TryEnqueue(new byte[] { 20, 1, 1 });

        (await consumer.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(3);
    }

    [Fact]
    public async Task Cancellation_and_dispose_release_a_waiting_consumer()
    {
        using var cts = new CancellationTokenSource();
        var queue = new DtlsDatagramQueue(2, 10);
        var cancelled = Task.Factory.StartNew(() => queue.Dequeue(new byte[10], Timeout.Infinite, cts.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => cancelled.WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowAsync<OperationCanceledException>();

        var waiting = Task.Factory.StartNew(() => queue.Dequeue(new byte[10], Timeout.Infinite, default),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        queue.Dispose();
        (await waiting.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(-1);
        queue.TryEnqueue(new byte[] { 1 }).Should().BeFalse();
    }

    [Fact]
    public void A_bounded_wait_returns_minus_one_when_nothing_arrives()
    {
        using var queue = new DtlsDatagramQueue(2, 10);

        queue.Dequeue(new byte[10], 1, default).Should().Be(-1);
    }
}
