using System.Buffers;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// A bounded FIFO of copied DTLS datagrams between the socket worker (which must never block: a full queue drops)
/// and the session's processing work item. Nobody waits on it: the producer schedules the consumer. Copies live in
/// pooled buffers, returned on dequeue, <see cref="Clear"/> and <see cref="Dispose"/>. All state is guarded by _gate,
/// held only to copy a datagram in or out.
/// </summary>
internal sealed class DtlsDatagramQueue : IDisposable
{
    private readonly Lock _gate = new();
    private readonly (byte[] Buffer, int Length)[] _slots;
    private readonly int _maxDatagramSize;
    private int _head;
    private int _count;
    private int _bytes;
    private bool _disposed;

    public DtlsDatagramQueue(int capacity, int maxDatagramSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDatagramSize, 1);
        _slots = new (byte[], int)[capacity];
        _maxDatagramSize = maxDatagramSize;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>The bytes of the datagrams waiting.</summary>
    public int Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Copies the datagram in; false (dropped) when the queue is full, the datagram empty or too big, or the queue disposed.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty || datagram.Length > _maxDatagramSize)
        {
            return false;
        }

        lock (_gate)
        {
            if (_disposed || _count == _slots.Length)
            {
                return false;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
            datagram.CopyTo(buffer);
            _slots[(_head + _count) % _slots.Length] = (buffer, datagram.Length);
            _count++;
            _bytes += datagram.Length;
            return true;
        }
    }

    /// <summary>
    /// Moves the oldest datagram into <paramref name="destination"/>, which must hold the largest datagram allowed;
    /// false when the queue is empty or disposed.
    /// </summary>
    public bool TryDequeue(Span<byte> destination, out int length)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                length = 0;
                return false;
            }

            var (buffer, stored) = _slots[_head];
            _slots[_head] = default;
            _head = (_head + 1) % _slots.Length;
            _count--;
            _bytes -= stored;
            buffer.AsSpan(0, stored).CopyTo(destination);
            ArrayPool<byte>.Shared.Return(buffer);
            length = stored;
            return true;
        }
    }

    /// <summary>Drops everything queued.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            ReturnAll();
        }
    }

    /// <summary>Returns the buffers; later enqueues are dropped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            ReturnAll();
        }
    }

    private void ReturnAll()
    {
        while (_count > 0)
        {
            ArrayPool<byte>.Shared.Return(_slots[_head].Buffer);
            _slots[_head] = default;
            _head = (_head + 1) % _slots.Length;
            _count--;
        }

        _bytes = 0;
    }
}
