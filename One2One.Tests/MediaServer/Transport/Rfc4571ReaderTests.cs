using One2One.MediaServer.Rtc.Transport.Tcp;

namespace One2One.Tests.MediaServer.Transport;

/// <summary>RFC 4571 §2 framing read out of a byte stream however it is cut.</summary>
public sealed class Rfc4571ReaderTests
{
    [Fact]
    public void Frames_come_out_whole_and_in_order_wherever_the_stream_is_cut()
    {
        var random = new Random(4571);
        var packets = Enumerable.Range(0, 40).Select(i => RandomBytes(random, i == 7 ? 0 : random.Next(1, 300))).ToList();
        packets.Add(RandomBytes(random, 2048)); // the largest allowed
        var stream = packets.SelectMany(p =>
        {
            var framed = new byte[2 + p.Length];
            Rfc4571Reader.Frame(p, framed);
            return framed;
        }).ToArray();

        foreach (var chunk in new[] { 1, 2, 3, 7, 64, 1000, stream.Length })
        {
            var reader = new Rfc4571Reader(2048);
            var read = new List<byte[]>();
            for (var offset = 0; offset < stream.Length;)
            {
                // As a socket read would: no more than the chunk, the rest of the stream, or the room there is.
                var free = reader.FreeSpace.Span;
                var piece = stream.AsSpan(offset, Math.Min(Math.Min(chunk, stream.Length - offset), free.Length));
                piece.CopyTo(free);
                reader.Commit(piece.Length);
                offset += piece.Length;
                while (reader.TryRead(out var frame) == FrameStatus.Frame)
                {
                    read.Add(frame.ToArray());
                }
            }

            read.Should().HaveCount(packets.Count, "pieces of {0} bytes", chunk);
            read.Should().BeEquivalentTo(packets, o => o.WithStrictOrdering(), "pieces of {0} bytes", chunk);
        }
    }

    [Fact]
    public void A_frame_announcing_more_than_the_limit_is_too_large_even_before_it_arrives()
    {
        var reader = new Rfc4571Reader(2048);
        new byte[] { 0x08, 0x01 }.CopyTo(reader.FreeSpace.Span); // 2049
        reader.Commit(2);

        reader.TryRead(out _).Should().Be(FrameStatus.TooLarge);
    }

    [Fact]
    public void Half_a_length_prefix_needs_more()
    {
        var reader = new Rfc4571Reader(2048);
        reader.FreeSpace.Span[0] = 0;
        reader.Commit(1);

        reader.TryRead(out _).Should().Be(FrameStatus.NeedMore);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
