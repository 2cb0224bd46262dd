using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static One2One.MediaServer.Rtc.Transport.LinuxDatagrams;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// Linux I/O in batches: one recvmmsg(2) takes every datagram queued on the socket (up to the batch size), and the
/// sends the packet path makes while they are handled leave together in one sendmmsg(2) (<see cref="UdpSendBatch"/>).
/// Under load that divides the system calls, and the wake-ups, by the batch; with one datagram at a time it costs what
/// recvfrom does.
/// </summary>
internal sealed class MmsgDatagramIo : IDatagramIo
{
    private readonly SafeSocketHandle _handle;
    private readonly MessageVector _received;
    private readonly SocketAddress _sender;

    public MmsgDatagramIo(Socket socket, int capacity, UdpMediaPort port)
    {
        _handle = socket.SafeHandle;
        _received = new MessageVector(capacity);
        _sender = new SocketAddress(socket.AddressFamily, MessageVector.NameSlot);
        Batch = new UdpSendBatch(port, _handle, capacity);
    }

    public UdpSendBatch Batch { get; }

    UdpSendBatch? IDatagramIo.Batch => Batch;

    public int Receive()
    {
        var headers = _received.Headers;
        for (var i = 0; i < headers.Length; i++)
        {
            headers[i].NameLength = MessageVector.NameSlot;
            headers[i].Flags = 0;
        }

        // A reference for the call alone, as Socket's own calls take: closing the socket wakes this receive and waits
        // only for it to return (a reference held longer would make Close spin until it is released), and a receive
        // after the close throws ObjectDisposedException.
        var added = false;
        int received;
        int error;
        try
        {
            _handle.DangerousAddRef(ref added);
            received = recvmmsg(_handle.DangerousGetHandle(), ref headers[0], (uint)headers.Length, MsgWaitForOne, 0);
            error = received < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }

        if (received >= 0)
        {
            return received;
        }

        if (error is EIntr or EAgain)
        {
            return 0;
        }

        throw new SocketException(error);
    }

    public Span<byte> Buffer(int index, out int length, out bool truncated)
    {
        ref var header = ref _received.Headers[index];
        truncated = (header.Flags & MsgTrunc) != 0;
        length = (int)Math.Min(header.Length, WebRtcTransport.BufferSize);
        return _received.Buffer(index);
    }

    public SocketAddress Sender(int index)
    {
        var length = (int)Math.Min(_received.Headers[index].NameLength, MessageVector.NameSlot);
        _received.Name(index)[..length].CopyTo(_sender.Buffer.Span);
        _sender.Size = length;
        return _sender;
    }

    public void Flush() => Batch.Flush();

    public void Dispose()
    {
        // Nothing held: the buffers are pinned managed arrays and the socket is the port's.
    }
}
