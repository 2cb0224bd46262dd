using System.Buffers;

namespace One2One.MediaServer.Rtc.Transport.Tcp;

/// <summary>
/// The framed bytes an ICE-TCP connection has accepted but the kernel has not taken yet, oldest first: a ring of at most
/// <see cref="Limit"/> bytes, counting those being sent now. Its one buffer is rented from the shared pool when the first
/// byte must wait and given back by <see cref="Release"/>, so a connection that never had to queue holds none.
/// </summary>
/// <remarks>
/// Not thread-safe: the connection uses it under its send gate. The bytes <see cref="Oldest"/> hands out stay counted,
/// and are not overwritten, until they are <see cref="Consume"/>d, so they may be sent outside the gate while frames
/// are appended behind them.
/// </remarks>
internal sealed class SendBacklog(int limit)
{
    private byte[]? _buffer;
    private int _start;

    /// <summary>The most bytes it holds at once, those being sent included.</summary>
    public int Limit => limit;

    /// <summary>Bytes waiting, those being sent included.</summary>
    public int Length { get; private set; }

    /// <summary>Bytes of buffer held now (0 until a byte must wait, and again after <see cref="Release"/>).</summary>
    public int Capacity => _buffer?.Length ?? 0;

    /// <summary>The oldest waiting bytes that lie in one piece: all of them, unless they wrap around the ring's end.</summary>
    public ReadOnlyMemory<byte> Oldest => _buffer is null ? default : _buffer.AsMemory(_start, Math.Min(Length, limit - _start));

    public bool HasRoomFor(int bytes) => Length + bytes <= limit;

    /// <summary>Queues <paramref name="bytes"/> behind what waits; the caller checked <see cref="HasRoomFor"/>.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(limit);
        var end = (_start + Length) % limit;
        var beforeWrap = Math.Min(bytes.Length, limit - end);
        bytes[..beforeWrap].CopyTo(_buffer.AsSpan(end));
        bytes[beforeWrap..].CopyTo(_buffer);
        Length += bytes.Length;
    }

    /// <summary>The kernel took the first <paramref name="bytes"/> of <see cref="Oldest"/>.</summary>
    public void Consume(int bytes)
    {
        Length -= bytes;
        _start = Length == 0 ? 0 : (_start + bytes) % limit;
    }

    /// <summary>Forgets what waits and gives the buffer back; no send of <see cref="Oldest"/> may be in flight.</summary>
    public void Release()
    {
        if (_buffer is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        (_buffer, _start, Length) = (null, 0, 0);
    }
}
