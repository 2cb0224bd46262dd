using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): keystream block i is AES(k, IV + i).
/// Where <see cref="AcceleratedAes"/> allows it, <see cref="AesNi128"/> in managed code. Otherwise the counters of a whole packet are
/// encrypted in one ECB call on a platform transform made once (<c>Aes.EncryptEcb</c> would set up a native
/// cipher and allocate on every call). One thread at a time, like the context that owns it.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    public const int BlockSize = 16;

    /// <summary>1536 bytes of keystream per ECB call: a whole MTU-sized payload at once.</summary>
    private const int BlocksPerBatch = 96;

    private readonly AesNi128? _aesNi;
    private readonly Aes? _aes;
    private readonly ICryptoTransform? _ecb;
    private readonly byte[] _counters = [];
    private readonly byte[] _keystream = [];

    public AesCounterMode(ReadOnlySpan<byte> key)
        : this(key, AcceleratedAes.IsEnabled)
    {
    }

    /// <summary>Tests pick the implementation; <paramref name="useAesNi"/> needs <see cref="AesNi128.IsSupported"/>.</summary>
    internal AesCounterMode(ReadOnlySpan<byte> key, bool useAesNi)
    {
        if (useAesNi)
        {
            _aesNi = new AesNi128(key);
            return;
        }

        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
        _counters = new byte[BlocksPerBatch * BlockSize];
        _keystream = new byte[BlocksPerBatch * BlockSize];
    }

    /// <summary>
    /// XORs <paramref name="data"/> with the keystream from the 16-byte <paramref name="iv"/>. Only the
    /// low 32 bits of the counter are incremented: SRTP IVs end in 16 zero bits and a packet has fewer
    /// than 2^16 blocks, so no carry goes further.
    /// </summary>
    public void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var block = Vector128.Create(iv);
        if (_aesNi is not null)
        {
            _aesNi.XorKeystream(block, data);
            return;
        }

        uint counter = BinaryPrimitives.ReadUInt32BigEndian(iv[12..]);
        while (!data.IsEmpty)
        {
            int blocks = Math.Min(BlocksPerBatch, (data.Length + BlockSize - 1) / BlockSize);
            var counters = _counters.AsSpan(0, blocks * BlockSize);
            for (int offset = 0; offset < counters.Length; offset += BlockSize)
            {
                block.CopyTo(counters[offset..]);
                BinaryPrimitives.WriteUInt32BigEndian(counters[(offset + 12)..], counter++);
            }

            _ecb!.TransformBlock(_counters, 0, counters.Length, _keystream, 0);
            int length = Math.Min(data.Length, counters.Length);
            Xor(data[..length], _keystream.AsSpan(0, length));
            data = data[length..];
        }
    }

    public void Dispose()
    {
        _aesNi?.Dispose();
        _ecb?.Dispose();
        _aes?.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                var slice = data[i..];
                (new Vector<byte>(slice) ^ new Vector<byte>(keystream[i..])).CopyTo(slice);
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}
