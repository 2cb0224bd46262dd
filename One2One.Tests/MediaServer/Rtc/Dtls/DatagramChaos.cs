using System.Buffers.Binary;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// A bad network for one direction of a <see cref="DtlsTestPipe"/>, reproducible from its seed: it drops, duplicates,
/// holds a datagram back behind the next one (reordering), and (towards the server) splits handshake records into
/// smaller fragments of their own (RFC 6347 §4.2.3), each in its own datagram. Thread-safe.
/// </summary>
internal sealed class DatagramChaos(int seed, double drop = 0, double duplicate = 0, double reorder = 0, double fragment = 0)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(seed);
    private byte[]? _held;

    public int Dropped { get; private set; }

    public int Duplicated { get; private set; }

    public int Reordered { get; private set; }

    public int Fragmented { get; private set; }

    public void Pass(byte[] datagram, Action<byte[]> deliver)
    {
        var outgoing = new List<byte[]>();
        lock (_gate)
        {
            if (_random.NextDouble() < drop)
            {
                Dropped++;
                return;
            }

            var pieces = _random.NextDouble() < fragment ? Refragment(datagram) : [datagram];
            Fragmented += pieces.Count > 1 ? 1 : 0;
            foreach (var piece in pieces)
            {
                if (_held is null && _random.NextDouble() < reorder)
                {
                    _held = piece;
                    Reordered++;
                    continue;
                }

                outgoing.Add(piece);
                if (_held is not null)
                {
                    outgoing.Add(_held);
                    _held = null;
                }

                if (_random.NextDouble() < duplicate)
                {
                    outgoing.Add(piece);
                    Duplicated++;
                }
            }
        }

        foreach (var piece in outgoing)
        {
            deliver(piece);
        }
    }

    /// <summary>Splits every epoch 0 handshake record into records of 1 to 3 smaller fragments each, one record per datagram.</summary>
    private List<byte[]> Refragment(byte[] datagram)
    {
        var result = new List<byte[]>();
        var rest = datagram.AsSpan();
        while (rest.Length >= 13)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(rest[11..]);
            if (rest.Length < 13 + length)
            {
                break;
            }

            var record = rest[..(13 + length)];
            rest = rest[record.Length..];
            var epoch = BinaryPrimitives.ReadUInt16BigEndian(record[3..]);
            if (record[0] != 22 || epoch != 0)
            {
                result.Add(record.ToArray());
                continue;
            }

            var body = record[13..];
            while (body.Length >= 12)
            {
                var messageLength = (body[1] << 16) | (body[2] << 8) | body[3];
                var offset = (body[6] << 16) | (body[7] << 8) | body[8];
                var fragmentLength = (body[9] << 16) | (body[10] << 8) | body[11];
                if (body.Length < 12 + fragmentLength)
                {
                    break;
                }

                var data = body.Slice(12, fragmentLength);
                var at = 0;
                do
                {
                    var take = Math.Min(data.Length - at, 1 + _random.Next(Math.Max(1, data.Length / 2)));
                    var piece = new byte[13 + 12 + take];
                    record[..13].CopyTo(piece);
                    BinaryPrimitives.WriteUInt16BigEndian(piece.AsSpan(11), (ushort)(12 + take));
                    body[..12].CopyTo(piece.AsSpan(13));
                    WriteUInt24(piece.AsSpan(13 + 1), messageLength);
                    WriteUInt24(piece.AsSpan(13 + 6), offset + at);
                    WriteUInt24(piece.AsSpan(13 + 9), take);
                    data.Slice(at, take).CopyTo(piece.AsSpan(25));
                    result.Add(piece);
                    at += take;
                }
                while (at < data.Length);

                body = body[(12 + fragmentLength)..];
            }
        }

        return result;
    }

    private static void WriteUInt24(Span<byte> destination, int value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }
}
