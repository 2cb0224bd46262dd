using One2One.MediaServer.Rtc.Transport.Tcp;

namespace One2One.Tests.MediaServer.Transport;

/// <summary>The ICE-TCP send backlog: a bounded ring whose bytes come out in order however they wrap.</summary>
public sealed class SendBacklogTests
{
    [Fact]
    public void Bytes_come_out_in_order_across_the_rings_end_and_the_bytes_being_sent_count_against_the_limit()
    {
        var backlog = new SendBacklog(16);
        backlog.Append([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        backlog.Consume(10); // the kernel took 10; 11 and 12 wait at the end of the ring
        backlog.HasRoomFor(15).Should().BeFalse("two bytes still wait");
        backlog.HasRoomFor(14).Should().BeTrue();

        backlog.Append([13, 14, 15, 16, 17, 18, 19, 20]); // wraps around the end
        var sent = new List<byte>();
        while (backlog.Length > 0)
        {
            var oldest = backlog.Oldest;
            oldest.Length.Should().BePositive();
            var taken = Math.Min(3, oldest.Length); // the kernel takes a few at a time
            sent.AddRange(oldest.Span[..taken].ToArray());
            backlog.Consume(taken);
        }

        sent.Should().Equal(Enumerable.Range(11, 10).Select(i => (byte)i));
        backlog.Capacity.Should().Be(16, "the buffer is kept until released");
        backlog.Release();
        backlog.Capacity.Should().Be(0);
        backlog.Oldest.Length.Should().Be(0);
    }
}
