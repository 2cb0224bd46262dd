using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// HMAC-SHA1 (RFC 2104) as SRTP authenticates with it. With <see cref="OpenSslSha1"/> the inner and outer pad
/// states are hashed once per key, and each message costs two copies of a SHA-1 state and four plain calls into
/// libcrypto; the platform's <see cref="IncrementalHash"/> adds about half a microsecond per message (error-queue
/// clearing, provider dispatch, a context duplication on every reset), as much as hashing a 1200-byte packet.
/// Without libcrypto 3 it is that platform class. One thread at a time, like the context that owns it.
/// </summary>
internal sealed class HmacSha1 : IDisposable
{
    public const int Length = 20;
    private const int BlockSize = 64;

    private readonly IncrementalHash? _platform;

    // Pinned so that the garbage collector never leaves copies of the keyed states behind.
    private readonly OpenSslSha1.State[] _pads = GC.AllocateArray<OpenSslSha1.State>(2, pinned: true);

    public HmacSha1(ReadOnlySpan<byte> key)
        : this(key, OpenSslSha1.IsAvailable)
    {
    }

    /// <summary>Tests pick the implementation; <paramref name="native"/> needs <see cref="OpenSslSha1.IsAvailable"/>.</summary>
    internal HmacSha1(ReadOnlySpan<byte> key, bool native)
    {
        if (!native)
        {
            _platform = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
            return;
        }

        // RFC 2104 §2: a key longer than the block is hashed first; then K xor ipad and K xor opad start the two hashes.
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        if (key.Length > BlockSize)
        {
            SHA1.HashData(key, block);
        }
        else
        {
            key.CopyTo(block);
        }

        Span<byte> pad = stackalloc byte[BlockSize];
        for (int i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x36);
        }

        OpenSslSha1.Init(ref _pads[0]);
        OpenSslSha1.Update(ref _pads[0], pad);
        for (int i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(block[i] ^ 0x5C);
        }

        OpenSslSha1.Init(ref _pads[1]);
        OpenSslSha1.Update(ref _pads[1], pad);
        CryptographicOperations.ZeroMemory(block);
        CryptographicOperations.ZeroMemory(pad);
    }

    /// <summary>Writes the 20-byte MAC of <paramref name="message"/> into <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        if (_platform is not null)
        {
            _platform.AppendData(message);
            _platform.TryGetHashAndReset(mac, out _);
            return;
        }

        var state = _pads[0];
        OpenSslSha1.Update(ref state, message);
        OpenSslSha1.Final(ref state, mac);
        state = _pads[1];
        OpenSslSha1.Update(ref state, mac[..Length]);
        OpenSslSha1.Final(ref state, mac);
        state = default;
    }

    public void Dispose()
    {
        _platform?.Dispose();
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(_pads.AsSpan()));
    }
}
