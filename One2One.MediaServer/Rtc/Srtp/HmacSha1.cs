using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// HMAC-SHA1 (RFC 2104) as SRTP authenticates with it, on the platform's <see cref="IncrementalHash"/>, keyed once:
/// each message is one append and one reset, with nothing allocated. One thread at a time, like the context that
/// owns it.
/// </summary>
internal sealed class HmacSha1(ReadOnlySpan<byte> key) : IDisposable
{
    public const int Length = 20;

    private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);

    /// <summary>Writes the 20-byte MAC of <paramref name="message"/> into <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        _hmac.AppendData(message);
        _hmac.TryGetHashAndReset(mac, out _);
    }

    public void Dispose() => _hmac.Dispose();
}
