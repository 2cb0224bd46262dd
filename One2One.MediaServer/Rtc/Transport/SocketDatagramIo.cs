using System.Net;
using System.Net.Sockets;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// The portable I/O: one blocking recvfrom per datagram on a socket nothing uses asynchronously (so it stays out of
/// the runtime's epoll set and a send does not wake the socket engine's thread), and sends at once.
/// </summary>
internal sealed class SocketDatagramIo(Socket socket) : IDatagramIo
{
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(WebRtcTransport.BufferSize + WebRtcTransport.TailRoom, pinned: true);
    private readonly SocketAddress _sender = new(socket.AddressFamily);
    private int _length;
    private bool _truncated;

    public UdpSendBatch? Batch => null;

    public int Receive()
    {
        _truncated = false;
        try
        {
            _length = socket.ReceiveFrom(_buffer.AsSpan(0, WebRtcTransport.BufferSize), SocketFlags.None, _sender);
            return 1;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.MessageSize)
        {
            // Larger than any RTP packet (Windows reports it; Linux cuts it silently and SRTP refuses what is left).
            _length = WebRtcTransport.BufferSize;
            _truncated = true;
            return 1;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused
            or SocketError.Interrupted or SocketError.Shutdown or SocketError.OperationAborted)
        {
            // An ICMP report for an earlier send, or the socket being shut down: nothing to read.
            return 0;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    public Span<byte> Buffer(int index, out int length, out bool truncated)
    {
        length = _length;
        truncated = _truncated;
        return _buffer;
    }

    public SocketAddress Sender(int index) => _sender;

    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
