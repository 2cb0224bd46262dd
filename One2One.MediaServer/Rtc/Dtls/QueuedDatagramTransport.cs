using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// BouncyCastle's view of the ICE-selected path: receives from the <see cref="DtlsDatagramQueue"/> that the socket
/// loop fills, sends through the lead's <see cref="IDatagramSender"/>. During the handshake a receive waits as long as
/// BouncyCastle asks (its retransmission timer) or until the handshake token is cancelled; afterwards it never waits
/// longer than asked, so the post-handshake work item is not parked. Sends are serialized by _sendGate, which also
/// lets <see cref="Mute"/> guarantee that nothing reaches the sender once it returns.
/// </summary>
internal sealed class QueuedDatagramTransport(
    DtlsDatagramQueue queue, IDatagramSender sender, int receiveLimit, int sendLimit, Action onClosed, ILogger logger)
    : DatagramTransport
{
    private readonly object _sendGate = new();
    private bool _muted;
    private int _closed;

    /// <summary>Set by the handshake thread around Accept; cancelling it makes a waiting receive throw. None afterwards.</summary>
    public CancellationToken HandshakeToken { get; set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public int GetReceiveLimit() => receiveLimit;

    public int GetSendLimit() => sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        // BouncyCastle passes 0 for "no limit"; it always passes at least 1 ms itself, so 0 only comes from misuse.
        var timeout = waitMillis == 0 ? Timeout.Infinite : waitMillis;
        return queue.Dequeue(buffer, timeout, HandshakeToken);
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        lock (_sendGate)
        {
            if (_muted)
            {
                return;
            }

            try
            {
                sender.Send(buffer);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // UDP: a failed send is a lost datagram; DTLS retransmits handshake flights.
                DtlsLog.SendFailed(logger, e);
            }
        }
    }

    /// <summary>Called by BouncyCastle when the DTLS connection ends (close_notify exchanged, fatal alert, or our Close).</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            onClosed();
        }
    }

    /// <summary>From now on datagrams are dropped rather than sent; when this returns no send is in progress.</summary>
    public void Mute()
    {
        lock (_sendGate)
        {
            _muted = true;
        }
    }
}
