namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// The last <see cref="Capacity"/> protected packets of one outgoing stream (a browser's video), by sequence number, so a
/// NACK for a packet lost between the media server and that browser is answered from here rather than asked of the
/// sending browser. The sender cannot answer it: its retransmission reaches us with the number we already received, and
/// SRTP's replay protection (RFC 3711 §3.3.2) drops it. The packet goes out again exactly as sent, so the browser, which
/// never received it, takes it as it would have taken the first copy.
/// </summary>
/// <remarks>
/// Not thread-safe: written and read under its transport's send gate, which also guards the SRTP context that
/// protected what it holds. About 190 KB, made with a stream's first packet under its browser's keys and restarted, not
/// made again, under the browser's next keys.
/// </remarks>
internal sealed class RetransmissionHistory(int keyEpoch = 0)
{
    /// <summary>Packets kept: about a second of video at 1 Mbps, longer than any round trip a NACK is still worth.</summary>
    public const int Capacity = 128;

    /// <summary>Larger packets (none a browser sends) are not kept.</summary>
    public const int MaxPacketLength = 1500;

    /// <summary>
    /// How often one kept packet is sent again. A browser asks again only when a resend was lost too; a NACK that names the
    /// same packets over and over (any participant can write one: it has its own SRTCP keys) must not make the media
    /// server send a stream's worth for each small packet it receives, towards an address that need not want it.
    /// </summary>
    public const int MaxResends = 2;

    /// <summary>
    /// The transport's keys it keeps packets for (<see cref="WebRtcTransport.KeyEpoch"/>): the transport keeps and resends
    /// only under those keys, as a browser with new ones (a reload) would take nothing protected with the old.
    /// </summary>
    public int KeyEpoch { get; private set; } = keyEpoch;

    /// <summary>
    /// Forgets every packet and keeps from now on for the keys of <paramref name="keyEpoch"/>: a stream's history outlives
    /// its browser's keys (a reload, a new connection) rather than being made again, 190 KB on the large object heap each time.
    /// </summary>
    public void Restart(int keyEpoch)
    {
        Array.Clear(_lengths);
        KeyEpoch = keyEpoch;
    }

    private readonly byte[] _packets = GC.AllocateUninitializedArray<byte>(Capacity * MaxPacketLength);
    private readonly ushort[] _sequences = new ushort[Capacity];
    private readonly int[] _lengths = new int[Capacity];
    private readonly byte[] _resends = new byte[Capacity];

    /// <summary>Keeps a packet just sent; it replaces the one 128 numbers before it.</summary>
    public void Keep(ReadOnlySpan<byte> protectedPacket, ushort sequence)
    {
        var slot = sequence & (Capacity - 1);
        if (protectedPacket.Length > MaxPacketLength)
        {
            _lengths[slot] = 0;
            return;
        }

        protectedPacket.CopyTo(_packets.AsSpan(slot * MaxPacketLength));
        _sequences[slot] = sequence;
        _lengths[slot] = protectedPacket.Length;
        _resends[slot] = 0;
    }

    /// <summary>
    /// The packet sent with <paramref name="sequence"/>, to send again, if it is still kept and has not been sent again
    /// <see cref="MaxResends"/> times already (counted here).
    /// </summary>
    public bool TryTakeForResend(ushort sequence, out ReadOnlySpan<byte> protectedPacket)
    {
        var slot = sequence & (Capacity - 1);
        if (!TryFind(sequence, out protectedPacket) || _resends[slot] >= MaxResends)
        {
            protectedPacket = default;
            return false;
        }

        _resends[slot]++;
        return true;
    }

    /// <summary>The packet sent with <paramref name="sequence"/>, if it is still kept.</summary>
    public bool TryFind(ushort sequence, out ReadOnlySpan<byte> protectedPacket)
    {
        var slot = sequence & (Capacity - 1);
        if (_lengths[slot] == 0 || _sequences[slot] != sequence)
        {
            protectedPacket = default;
            return false;
        }

        protectedPacket = _packets.AsSpan(slot * MaxPacketLength, _lengths[slot]);
        return true;
    }
}
