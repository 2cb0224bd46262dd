using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// AES-128 encryption (FIPS 197) with the AES-NI instructions, in managed code: the per-packet calls into
/// OpenSSL through the platform's crypto classes cost more than the cipher itself on SRTP-sized packets.
/// Counter mode here increments the last 32 bits of the block, big-endian: GCM's inc32 (NIST SP 800-38D §6.2)
/// and SRTP's AES-CM (RFC 3711 §4.1.1, whose IV ends in 16 zero bits and whose packets stay under 2^16 blocks).
/// AES-NI runs in constant time. One thread at a time, like the context that owns it.
/// </summary>
internal sealed class AesNi128 : IDisposable
{
    public const int BlockSize = 16;
    private const int Rounds = 10;

    // Pinned so that the garbage collector never leaves copies of the key schedule behind.
    private readonly Vector128<byte>[] _roundKeys = GC.AllocateArray<Vector128<byte>>(Rounds + 1, pinned: true);

    public AesNi128(ReadOnlySpan<byte> key)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI is not available.");
        }

        if (key.Length != 16)
        {
            throw new ArgumentException("AES-128 takes a 16-byte key.", nameof(key));
        }

        var k = _roundKeys;
        k[0] = Vector128.Create(key);
        k[1] = ExpandKey(k[0], X86Aes.KeygenAssist(k[0], 0x01));
        k[2] = ExpandKey(k[1], X86Aes.KeygenAssist(k[1], 0x02));
        k[3] = ExpandKey(k[2], X86Aes.KeygenAssist(k[2], 0x04));
        k[4] = ExpandKey(k[3], X86Aes.KeygenAssist(k[3], 0x08));
        k[5] = ExpandKey(k[4], X86Aes.KeygenAssist(k[4], 0x10));
        k[6] = ExpandKey(k[5], X86Aes.KeygenAssist(k[5], 0x20));
        k[7] = ExpandKey(k[6], X86Aes.KeygenAssist(k[6], 0x40));
        k[8] = ExpandKey(k[7], X86Aes.KeygenAssist(k[7], 0x80));
        k[9] = ExpandKey(k[8], X86Aes.KeygenAssist(k[8], 0x1B));
        k[10] = ExpandKey(k[9], X86Aes.KeygenAssist(k[9], 0x36));
    }

    /// <summary>AES-NI and the SSE instructions the key schedule uses.</summary>
    public static bool IsSupported => X86Aes.IsSupported && Sse2.IsSupported;

    public Vector128<byte> Encrypt(Vector128<byte> block)
    {
        var k = _roundKeys;
        block ^= k[0];
        for (int round = 1; round < Rounds; round++)
        {
            block = X86Aes.Encrypt(block, k[round]);
        }

        return X86Aes.EncryptLast(block, k[Rounds]);
    }

    /// <summary>
    /// XORs <paramref name="data"/> with the keystream E(counter block), E(counter block + 1), ... where only the
    /// last 32 bits of <paramref name="counterBlock"/> count, big-endian.
    /// </summary>
    public void XorKeystream(Vector128<byte> counterBlock, Span<byte> data)
    {
        var k = _roundKeys;
        Vector128<byte> k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5],
            k6 = k[6], k7 = k[7], k8 = k[8], k9 = k[9], k10 = k[10];
        var prefix = counterBlock.AsUInt32();
        uint counter = BinaryPrimitives.ReverseEndianness(prefix.GetElement(3));

        // Four blocks at a time: AESENC has a latency of several cycles and a throughput of one or two per cycle.
        while (data.Length >= 4 * BlockSize)
        {
            var b0 = Counter(prefix, counter) ^ k0;
            var b1 = Counter(prefix, counter + 1) ^ k0;
            var b2 = Counter(prefix, counter + 2) ^ k0;
            var b3 = Counter(prefix, counter + 3) ^ k0;
            counter += 4;
            Round(ref b0, ref b1, ref b2, ref b3, k1);
            Round(ref b0, ref b1, ref b2, ref b3, k2);
            Round(ref b0, ref b1, ref b2, ref b3, k3);
            Round(ref b0, ref b1, ref b2, ref b3, k4);
            Round(ref b0, ref b1, ref b2, ref b3, k5);
            Round(ref b0, ref b1, ref b2, ref b3, k6);
            Round(ref b0, ref b1, ref b2, ref b3, k7);
            Round(ref b0, ref b1, ref b2, ref b3, k8);
            Round(ref b0, ref b1, ref b2, ref b3, k9);
            (Vector128.Create((ReadOnlySpan<byte>)data) ^ X86Aes.EncryptLast(b0, k10)).CopyTo(data);
            (Vector128.Create((ReadOnlySpan<byte>)data[16..]) ^ X86Aes.EncryptLast(b1, k10)).CopyTo(data[16..]);
            (Vector128.Create((ReadOnlySpan<byte>)data[32..]) ^ X86Aes.EncryptLast(b2, k10)).CopyTo(data[32..]);
            (Vector128.Create((ReadOnlySpan<byte>)data[48..]) ^ X86Aes.EncryptLast(b3, k10)).CopyTo(data[48..]);
            data = data[(4 * BlockSize)..];
        }

        while (!data.IsEmpty)
        {
            var keystream = Encrypt(Counter(prefix, counter++));
            if (data.Length >= BlockSize)
            {
                (Vector128.Create((ReadOnlySpan<byte>)data) ^ keystream).CopyTo(data);
                data = data[BlockSize..];
                continue;
            }

            Span<byte> tail = stackalloc byte[BlockSize];
            keystream.CopyTo(tail);
            for (int i = 0; i < data.Length; i++)
            {
                data[i] ^= tail[i];
            }

            break;
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_roundKeys.AsSpan()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Counter(Vector128<uint> prefix, uint counter) =>
        prefix.WithElement(3, BinaryPrimitives.ReverseEndianness(counter)).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3, Vector128<byte> key)
    {
        b0 = X86Aes.Encrypt(b0, key);
        b1 = X86Aes.Encrypt(b1, key);
        b2 = X86Aes.Encrypt(b2, key);
        b3 = X86Aes.Encrypt(b3, key);
    }

    /// <summary>FIPS 197 §5.2 for a 128-bit key, with AESKEYGENASSIST doing SubWord(RotWord(w)) xor Rcon.</summary>
    private static Vector128<byte> ExpandKey(Vector128<byte> previous, Vector128<byte> assisted)
    {
        var word = Sse2.Shuffle(assisted.AsInt32(), 0xFF).AsByte();
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        previous ^= Sse2.ShiftLeftLogical128BitLane(previous, 4);
        return previous ^ word;
    }
}
