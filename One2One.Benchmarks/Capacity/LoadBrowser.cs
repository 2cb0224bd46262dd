using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using One2One.Benchmarks.Relay;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.MediaServer.Rtc.Srtp;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.Benchmarks.Capacity;

/// <summary>
/// One simulated browser of the capacity run: a UDP socket connected to the media port that passed ICE for its
/// endpoint, and the browser's halves of that endpoint's SRTP keys (the transport is keyed directly, without a DTLS
/// handshake, as in relay-load). It sends what the recorded Chromium offer announced (opus as 111 from SSRC
/// 3958983510, VP8 as 96 from SSRC 3384636408) and counts what its peer's media looks like when it arrives.
/// </summary>
/// <remarks>
/// Threading: the sender thread owns the send side (<see cref="SendRtp"/>, <see cref="SendRtcp"/>, the outbound SRTP
/// context, the sequence numbers); the receiver thread owns the receive side (the inbound context, the counters it
/// writes with Interlocked for the report).
/// </remarks>
internal sealed class LoadBrowser : IDisposable
{
    public const int VideoPayload = 1200 - 12;
    public const int AudioPayload = 160 - 12;

    private readonly SrtpContext _outbound;
    private readonly SrtpContext _inbound;
    private readonly byte[] _packet = new byte[1500];
    private readonly byte[] _work = new byte[1500];
    private readonly ushort[] _sequence = new ushort[2];
    private readonly int[] _expected = [-1, -1];
    private uint _rtcpPackets;
    private long _sent;
    private long _received;
    private long _lost;
    private long _wrong;

    public LoadBrowser(WebRtcSession endpoint, IPEndPoint port, SrtpProfile profile)
    {
        Endpoint = endpoint;
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Socket.ReceiveBufferSize = 1024 * 1024;
        Socket.Connect(port);
        var clientKey = RandomNumberGenerator.GetBytes(profile.MasterKeyLength());
        var clientSalt = RandomNumberGenerator.GetBytes(profile.MasterSaltLength());
        var serverKey = RandomNumberGenerator.GetBytes(profile.MasterKeyLength());
        var serverSalt = RandomNumberGenerator.GetBytes(profile.MasterSaltLength());
        if (!endpoint.Transport.Secure(profile, clientKey, clientSalt, serverKey, serverSalt))
        {
            throw new InvalidOperationException("The transport refused its keys.");
        }

        _outbound = SrtpContext.Create(profile, clientKey, clientSalt);
        _inbound = SrtpContext.Create(profile, serverKey, serverSalt);
        Nominate();
        Socket.SetRawSocketOption(LinuxNet.SolSocket, LinuxNet.SoTimestampNs, BitConverter.GetBytes(1));
    }

    public WebRtcSession Endpoint { get; }

    public Socket Socket { get; }

    public long Sent => Interlocked.Read(ref _sent);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Sequence numbers skipped in what arrived (a late packet counts back).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Sampled packets that did not decrypt as this endpoint's media (another call's, or damaged).</summary>
    public long Wrong => Interlocked.Read(ref _wrong);

    /// <summary>One RTP packet of <paramref name="kind"/>, its timestamp the send time in µs of CLOCK_REALTIME.</summary>
    public void SendRtp(KurentoMediaType kind)
    {
        var length = kind == KurentoMediaType.Video ? 12 + VideoPayload : 12 + AudioPayload;
        var sequence = ++_sequence[(int)kind];
        _packet[0] = 0x80;
        _packet[1] = kind == KurentoMediaType.Video ? RecordedChromiumOffer.Vp8PayloadType : RecordedChromiumOffer.OpusPayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(8), kind == KurentoMediaType.Video ? RecordedChromiumOffer.VideoSsrc : RecordedChromiumOffer.AudioSsrc);
        _packet.AsSpan(12, length - 12).Fill((byte)sequence);
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(4), (uint)LinuxNet.RealtimeMicroseconds());
        if (_outbound.TryProtectRtp(_packet, length, out var protectedLength))
        {
            Socket.Send(_packet.AsSpan(0, protectedLength));
            Interlocked.Increment(ref _sent);
        }
    }

    /// <summary>A sender report for the video stream (RFC 3550 §6.4.1), as browsers send every second or so.</summary>
    public void SendRtcp()
    {
        _packet[0] = 0x80;
        _packet[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), 6);
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(4), RecordedChromiumOffer.VideoSsrc);
        _packet.AsSpan(8, 20).Clear();
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(20), ++_rtcpPackets);
        if (_outbound.TryProtectRtcp(_packet, 28, out var protectedLength))
        {
            Socket.Send(_packet.AsSpan(0, protectedLength));
        }
    }

    /// <summary>
    /// One datagram that reached this browser, with the kernel's receive time: counts it, adds an RTP packet's
    /// latency, and decrypts every 64th to check it is this endpoint's rewrite of its peer's media.
    /// </summary>
    public void OnReceived(ReadOnlySpan<byte> datagram, long receivedMicroseconds, LatencyHistogram latencies)
    {
        if (datagram.Length < 12 || datagram[0] >> 6 != 2 || datagram[1] is >= 192 and <= 223)
        {
            return; // SRTCP, or anything else: not counted
        }

        var kind = (datagram[1] & 0x7F) == RecordedChromiumOffer.Vp8PayloadType ? KurentoMediaType.Video : KurentoMediaType.Audio;
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        var sent = BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]);
        latencies.Add((uint)((uint)receivedMicroseconds - sent));
        var received = Interlocked.Increment(ref _received);
        var expected = _expected[(int)kind];
        var gap = expected < 0 ? 0 : (short)(sequence - (ushort)expected);
        if (gap < 0)
        {
            Interlocked.Decrement(ref _lost); // late: counted as lost when its successor came
        }
        else
        {
            Interlocked.Add(ref _lost, gap);
            _expected[(int)kind] = (ushort)(sequence + 1);
        }
        if (received % 64 == 0)
        {
            datagram.CopyTo(_work);
            if (!_inbound.TryUnprotectRtp(_work.AsSpan(0, datagram.Length), out var length)
                || BinaryPrimitives.ReadUInt32BigEndian(_work.AsSpan(8)) != Endpoint.LocalSsrc(kind)
                || length != 12 + (kind == KurentoMediaType.Video ? VideoPayload : AudioPayload) || _work[12] != (byte)sequence)
            {
                Interlocked.Increment(ref _wrong);
            }
        }
    }

    public void Dispose()
    {
        Socket.Dispose();
        _outbound.Dispose();
        _inbound.Dispose();
    }

    /// <summary>
    /// What the browser's ICE agent does (RFC 8445 §7.2.2): a check with USE-CANDIDATE until its success response comes,
    /// sent again as a browser's agent would (RFC 8489 §6.2.1: a lost check is retransmitted), since past the limit of a
    /// <c>--through yes</c> run the media port drops datagrams and the first check may be among them.
    /// </summary>
    private void Nominate()
    {
        const int Attempts = 8;
        var local = Endpoint.Transport.Ice.Local;
        var request = new byte[StunWriter.MaxLength];
        var length = StunWriter.WriteBindingRequest(request, RandomNumberGenerator.GetBytes(StunMessage.TransactionIdLength),
            Encoding.ASCII.GetBytes(local.Ufrag + ":x"), priority: 0x6E00_1EFF, IceRole.Controlling, tieBreaker: 42, useCandidate: true, local.PasswordBytes);
        var response = new byte[StunWriter.MaxLength];
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            Socket.ReceiveTimeout = 500 * attempt;
            Socket.Send(request.AsSpan(0, length));
            int received;
            try
            {
                received = Socket.Receive(response);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut && attempt < Attempts)
            {
                continue;
            }

            if (!StunMessage.TryParse(response.AsSpan(0, received), out var message) || message.Class != StunMessageClass.SuccessResponse)
            {
                throw new InvalidOperationException("The endpoint did not accept the browser's connectivity check.");
            }

            return;
        }
    }
}
