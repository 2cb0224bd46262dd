using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static One2One.MediaServer.Rtc.Transport.LinuxDatagrams;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// The sends one worker's packet path makes while it handles a batch of received datagrams, sent together by one
/// sendmmsg(2) when the batch is done (or when this fills up). Each datagram is copied in with its destination, so the
/// caller's buffer is free again at once. Owned by the worker's thread.
/// </summary>
internal sealed class UdpSendBatch(UdpMediaPort port, SafeSocketHandle socket, int capacity)
{
    private readonly MessageVector _pending = new(capacity);
    private readonly TransportCounters?[] _owners = new TransportCounters?[capacity];
    private int _count;

    /// <summary>The port whose socket sends this batch: only datagrams for that port may join it.</summary>
    public UdpMediaPort Port { get; } = port;

    /// <summary>Queues a copy; false for a datagram or an address that does not fit (never the case for ours).</summary>
    public bool TryAdd(ReadOnlySpan<byte> datagram, SocketAddress to, TransportCounters counters)
    {
        if (datagram.Length > MessageVector.Slot || to.Size > MessageVector.NameSlot)
        {
            return false;
        }

        if (_count == _pending.Capacity)
        {
            Flush();
        }

        var i = _count++;
        datagram.CopyTo(_pending.Buffer(i));
        to.Buffer.Span[..to.Size].CopyTo(_pending.Name(i));
        _pending.SetLength(i, datagram.Length);
        _pending.Headers[i].NameLength = (uint)to.Size;
        _owners[i] = counters;
        return true;
    }

    public void Flush()
    {
        if (_count == 0)
        {
            return;
        }

        // A reference for the call alone (see MmsgDatagramIo.Receive); a batch flushed after the socket closed is lost.
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            Send(socket.DangerousGetHandle());
        }
        catch (ObjectDisposedException)
        {
            for (var i = 0; i < _count; i++)
            {
                _owners[i]!.CountSendFailed();
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }

            Array.Clear(_owners, 0, _count);
            _count = 0;
        }
    }

    private void Send(nint fd)
    {
        var sent = 0;
        while (sent < _count)
        {
            var result = sendmmsg(fd, ref _pending.Headers[sent], (uint)(_count - sent), 0);
            if (result > 0)
            {
                sent += result;
                continue;
            }

            if (result < 0 && Marshal.GetLastPInvokeError() == EIntr)
            {
                continue;
            }

            // sendmmsg reports the first datagram it could not send as the call's error: that one is lost, the rest go on.
            _owners[sent]!.CountSendFailed();
            sent++;
        }
    }
}
