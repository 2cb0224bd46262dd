using System.Buffers;
using System.Diagnostics;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// A bounded FIFO of copied DTLS datagrams between the socket loop (which must never block: a full queue drops)
/// and the one DTLS consumer (the handshake thread, then the post-handshake work item), which may wait.
/// Copies live in pooled buffers, returned on dequeue and on <see cref="Dispose"/>. All state is guarded by _gate.
/// </summary>
internal sealed class DtlsDatagramQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly (byte[] Buffer, int Length)[] _slots;
    private readonly int _maxDatagramSize;
    private int _head;
    private int _count;
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
            Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>
    /// Moves the oldest datagram into <paramref name="destination"/> (truncating it if it does not fit) and returns its
    /// length, waiting up to <paramref name="timeoutMilliseconds"/> (<see cref="Timeout.Infinite"/> for no limit, 0 for
    /// none). Returns -1 on timeout or once disposed; throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public int Dequeue(Span<byte> destination, int timeoutMilliseconds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var wake = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((DtlsDatagramQueue)state!).Wake(), this)
            : default;
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMilliseconds, Timeout.Infinite);
        var deadline = timeoutMilliseconds == Timeout.Infinite
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + Stopwatch.Frequency * timeoutMilliseconds / 1000;
        lock (_gate)
        {
            while (_count == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_disposed)
                {
                    return -1;
                }

                var wait = Timeout.Infinite;
                if (deadline != long.MaxValue)
                {
                    var ticks = deadline - Stopwatch.GetTimestamp();
                    if (ticks <= 0)
                    {
                        return -1;
                    }

                    wait = (int)Math.Clamp((ticks * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency, 1, int.MaxValue);
                }

                Monitor.Wait(_gate, wait);
            }

            var (buffer, length) = _slots[_head];
            _slots[_head] = default;
            _head = (_head + 1) % _slots.Length;
            _count--;
            var copied = Math.Min(length, destination.Length);
            buffer.AsSpan(0, copied).CopyTo(destination);
            ArrayPool<byte>.Shared.Return(buffer);
            return copied;
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

    /// <summary>Returns the buffers and wakes any waiter; later enqueues are dropped and dequeues return -1.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            ReturnAll();
            Monitor.PulseAll(_gate);
        }
    }

    private void Wake()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
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
    }
}
