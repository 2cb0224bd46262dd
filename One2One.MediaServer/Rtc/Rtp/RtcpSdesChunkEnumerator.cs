using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>One SDES chunk: an SSRC and its items, null terminator and padding (RFC 3550 §6.5).</summary>
internal readonly ref struct RtcpSdesChunk
{
    public const byte CnameItem = 1;

    public RtcpSdesChunk(ReadOnlySpan<byte> bytes) => Bytes = bytes;

    /// <summary>The whole chunk as on the wire, a multiple of 4 bytes.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(Bytes);

    public bool TryGetItem(byte type, out ReadOnlySpan<byte> value)
    {
        var items = Bytes[4..];
        while (items.Length >= 2 && items[0] != 0)
        {
            int length = items[1];
            if (items[0] == type)
            {
                value = items.Slice(2, length);
                return true;
            }

            items = items[(2 + length)..];
        }

        value = default;
        return false;
    }
}

/// <summary>Walks the chunks of an SDES packet body that <see cref="IsWellFormed"/> accepted.</summary>
internal ref struct RtcpSdesChunkEnumerator
{
    private ReadOnlySpan<byte> _remaining;
    private int _chunksLeft;

    internal RtcpSdesChunkEnumerator(ReadOnlySpan<byte> body, int chunkCount)
    {
        _remaining = body;
        _chunksLeft = chunkCount;
    }

    public RtcpSdesChunk Current { get; private set; }

    public readonly RtcpSdesChunkEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_chunksLeft == 0)
        {
            return false;
        }

        int length = ChunkLength(_remaining);
        Current = new RtcpSdesChunk(_remaining[..length]);
        _remaining = _remaining[length..];
        _chunksLeft--;
        return true;
    }

    /// <summary>True when <paramref name="body"/> starts with <paramref name="chunkCount"/> whole chunks.</summary>
    internal static bool IsWellFormed(ReadOnlySpan<byte> body, int chunkCount)
    {
        for (int i = 0; i < chunkCount; i++)
        {
            int length = ChunkLength(body);
            if (length < 0)
            {
                return false;
            }

            body = body[length..];
        }

        return true;
    }

    /// <summary>SSRC, items up to and including the null item, then padding to 32 bits; -1 if it runs past.</summary>
    private static int ChunkLength(ReadOnlySpan<byte> chunk)
    {
        int position = 4;
        while (true)
        {
            if (position >= chunk.Length)
            {
                return -1;
            }

            if (chunk[position] == 0)
            {
                position++;
                break;
            }

            if (position + 2 > chunk.Length)
            {
                return -1;
            }

            position += 2 + chunk[position + 1];
        }

        position = (position + 3) & ~3;
        return position <= chunk.Length ? position : -1;
    }
}
