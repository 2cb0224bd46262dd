using System.Runtime.InteropServices;
using static One2One.MediaServer.Rtc.Transport.LinuxDatagrams;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// The memory one recvmmsg(2) or sendmmsg(2) call works on: for each of <see cref="Capacity"/> datagrams a buffer
/// (with <see cref="WebRtcTransport.TailRoom"/> after it), room for a sockaddr, an iovec and an mmsghdr pointing at
/// them. Pinned arrays allocated once, so the kernel only ever sees addresses that never move.
/// </summary>
internal sealed class MessageVector
{
    /// <summary>Room for any sockaddr of IPv4 or IPv6 (sockaddr_in6 is 28 bytes).</summary>
    public const int NameSlot = 32;

    public const int Slot = WebRtcTransport.BufferSize + WebRtcTransport.TailRoom;

    private readonly byte[] _buffers;
    private readonly byte[] _names;
    private readonly IoVector[] _vectors;

    public MessageVector(int capacity)
    {
        Capacity = capacity;
        _buffers = GC.AllocateUninitializedArray<byte>(capacity * Slot, pinned: true);
        _names = GC.AllocateArray<byte>(capacity * NameSlot, pinned: true);
        _vectors = GC.AllocateArray<IoVector>(capacity, pinned: true);
        Headers = GC.AllocateArray<MessageHeader>(capacity, pinned: true);
        for (var i = 0; i < capacity; i++)
        {
            _vectors[i] = new IoVector { Base = Marshal.UnsafeAddrOfPinnedArrayElement(_buffers, i * Slot), Length = WebRtcTransport.BufferSize };
            Headers[i] = new MessageHeader
            {
                Name = Marshal.UnsafeAddrOfPinnedArrayElement(_names, i * NameSlot),
                NameLength = NameSlot,
                IoVectors = Marshal.UnsafeAddrOfPinnedArrayElement(_vectors, i),
                IoVectorCount = 1,
            };
        }
    }

    public int Capacity { get; }

    /// <summary>What the call reads and fills: the kernel writes each datagram's length, flags and sender here.</summary>
    public MessageHeader[] Headers { get; }

    public Span<byte> Buffer(int index) => _buffers.AsSpan(index * Slot, Slot);

    public Span<byte> Name(int index) => _names.AsSpan(index * NameSlot, NameSlot);

    /// <summary>How many bytes of buffer <paramref name="index"/> the call sends, or may receive into.</summary>
    public void SetLength(int index, int length) => _vectors[index].Length = (nuint)length;
}
