using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// GHASH (NIST SP 800-38D §6.4) with carry-less multiplication (PCLMULQDQ), after Gueron and Kounavis, "Intel
/// Carry-Less Multiplication Instruction and its Usage for Computing the GCM Mode" (rev. 2.02, 2014): blocks
/// are byte-reflected, multiplied, shifted left one bit and reduced modulo x^128 + x^7 + x^2 + x + 1. Four
/// blocks share one reduction, with the powers H..H^4 computed once per key (the paper's aggregated method).
/// Constant time. One thread at a time, like the cipher that owns it.
/// </summary>
internal sealed class Ghash : IDisposable
{
    private const int BlockSize = 16;

    // H, H^2, H^3, H^4, byte-reflected; pinned so the garbage collector leaves no copies behind.
    private readonly Vector128<ulong>[] _powers = GC.AllocateArray<Vector128<ulong>>(4, pinned: true);

    /// <summary><paramref name="hashKey"/> is H = E(K, 0^128).</summary>
    public Ghash(Vector128<byte> hashKey)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("PCLMULQDQ is not available.");
        }

        var h = Reflect(hashKey);
        _powers[0] = h;
        _powers[1] = Multiply(_powers[0], h);
        _powers[2] = Multiply(_powers[1], h);
        _powers[3] = Multiply(_powers[2], h);
    }

    public static bool IsSupported => Pclmulqdq.IsSupported && Ssse3.IsSupported;

    /// <summary>
    /// GHASH_H(A || 0^v || C || 0^u || [len(A)]64 || [len(C)]64), SP 800-38D §7.1 step 5: the value the tag
    /// is made from, in normal byte order.
    /// </summary>
    public Vector128<byte> Compute(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext)
    {
        var h = _powers[0];
        var x = Vector128<ulong>.Zero;
        x = AbsorbBlocks(x, associatedData, h);
        x = AbsorbBlocks(x, ciphertext, h);

        Span<byte> lengths = stackalloc byte[BlockSize];
        BinaryPrimitives.WriteUInt64BigEndian(lengths, (ulong)associatedData.Length * 8);
        BinaryPrimitives.WriteUInt64BigEndian(lengths[8..], (ulong)ciphertext.Length * 8);
        x = Multiply(x ^ Reflect(Vector128.Create((ReadOnlySpan<byte>)lengths)), h);
        return Reflect(x.AsByte()).AsByte();
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_powers.AsSpan()));

    /// <summary>The blocks of <paramref name="data"/>, the last one padded with zeros, into the running hash <paramref name="x"/>.</summary>
    private Vector128<ulong> AbsorbBlocks(Vector128<ulong> x, ReadOnlySpan<byte> data, Vector128<ulong> h)
    {
        if (data.Length >= 4 * BlockSize)
        {
            Vector128<ulong> h2 = _powers[1], h3 = _powers[2], h4 = _powers[3];
            while (data.Length >= 4 * BlockSize)
            {
                // X' = (X + B1)·H^4 + B2·H^3 + B3·H^2 + B4·H, reduced once.
                var (lo, hi) = MultiplyUnreduced(x ^ Reflect(Vector128.Create(data)), h4);
                var (lo2, hi2) = MultiplyUnreduced(Reflect(Vector128.Create(data[16..])), h3);
                var (lo3, hi3) = MultiplyUnreduced(Reflect(Vector128.Create(data[32..])), h2);
                var (lo4, hi4) = MultiplyUnreduced(Reflect(Vector128.Create(data[48..])), h);
                x = Reduce(lo ^ lo2 ^ lo3 ^ lo4, hi ^ hi2 ^ hi3 ^ hi4);
                data = data[(4 * BlockSize)..];
            }
        }

        while (data.Length >= BlockSize)
        {
            x = Multiply(x ^ Reflect(Vector128.Create(data)), h);
            data = data[BlockSize..];
        }

        if (!data.IsEmpty)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            data.CopyTo(last);
            x = Multiply(x ^ Reflect(Vector128.Create((ReadOnlySpan<byte>)last)), h);
        }

        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reflect(Vector128<byte> block) =>
        Ssse3.Shuffle(block, Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Multiply(Vector128<ulong> a, Vector128<ulong> b)
    {
        var (lo, hi) = MultiplyUnreduced(a, b);
        return Reduce(lo, hi);
    }

    /// <summary>The 256-bit carry-less product hi:lo of two 128-bit values (the paper's Algorithm 1, schoolbook).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<ulong> Lo, Vector128<ulong> Hi) MultiplyUnreduced(Vector128<ulong> a, Vector128<ulong> b)
    {
        var lo = Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        var middle = Pclmulqdq.CarrylessMultiply(a, b, 0x10) ^ Pclmulqdq.CarrylessMultiply(a, b, 0x01);
        var hi = Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        lo ^= Sse2.ShiftLeftLogical128BitLane(middle, 8);
        hi ^= Sse2.ShiftRightLogical128BitLane(middle, 8);
        return (lo, hi);
    }

    /// <summary>
    /// Shifts hi:lo left one bit (the product of byte-reflected operands is one bit short) and reduces it modulo
    /// the GCM polynomial (the paper's Algorithms 4 and 5).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reduce(Vector128<ulong> lo, Vector128<ulong> hi)
    {
        var lo32 = lo.AsUInt32();
        var hi32 = hi.AsUInt32();
        var carryLo = Sse2.ShiftRightLogical(lo32, 31);
        var carryHi = Sse2.ShiftRightLogical(hi32, 31);
        lo32 = Sse2.ShiftLeftLogical(lo32, 1);
        hi32 = Sse2.ShiftLeftLogical(hi32, 1);
        var carryAcross = Sse2.ShiftRightLogical128BitLane(carryLo, 12);
        carryHi = Sse2.ShiftLeftLogical128BitLane(carryHi, 4);
        carryLo = Sse2.ShiftLeftLogical128BitLane(carryLo, 4);
        lo32 |= carryLo;
        hi32 |= carryHi | carryAcross;

        var a = Sse2.ShiftLeftLogical(lo32, 31) ^ Sse2.ShiftLeftLogical(lo32, 30) ^ Sse2.ShiftLeftLogical(lo32, 25);
        var b = Sse2.ShiftRightLogical128BitLane(a, 4);
        a = Sse2.ShiftLeftLogical128BitLane(a, 12);
        lo32 ^= a;
        var c = Sse2.ShiftRightLogical(lo32, 1) ^ Sse2.ShiftRightLogical(lo32, 2) ^ Sse2.ShiftRightLogical(lo32, 7) ^ b;
        lo32 ^= c;
        return (hi32 ^ lo32).AsUInt64();
    }
}
