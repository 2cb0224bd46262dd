namespace One2One.Benchmarks.Relay;

/// <summary>Packets the source browser protected ahead of time, each used once.</summary>
internal sealed class PacketRing(int count)
{
    private readonly byte[] _datagrams = GC.AllocateUninitializedArray<byte>(count * RelayPair.DatagramSlot);
    private readonly int[] _lengths = new int[count];
    private int _next;

    /// <summary>The RTP sequence number of the first packet (the header is not encrypted); the others follow it.</summary>
    public ushort FirstSequence => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(_datagrams.AsSpan(2));

    public void Fill(RelayPair pair)
    {
        for (int i = 0; i < _lengths.Length; i++)
        {
            _lengths[i] = pair.ProtectNext(_datagrams.AsSpan(i * RelayPair.DatagramSlot, RelayPair.DatagramSlot));
        }

        _next = 0;
    }

    public ReadOnlySpan<byte> Next()
    {
        int i = _next++;
        return _datagrams.AsSpan(i * RelayPair.DatagramSlot, _lengths[i]);
    }
}
