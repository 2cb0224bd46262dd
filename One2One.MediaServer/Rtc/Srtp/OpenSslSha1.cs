using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// OpenSSL's SHA-1 functions (libcrypto 3: SHA1_Init, SHA1_Update, SHA1_Final), called directly: plain functions
/// on a caller-owned state, so a state can be copied by value. <see cref="IsAvailable"/> is false where the library
/// or the functions are missing or do not give SHA-1's known answer.
/// </summary>
internal static class OpenSslSha1
{
    private const string Library = "libcrypto.so.3";

    private static readonly Lazy<bool> Available = new(Probe);

    public static bool IsAvailable => Available.Value;

    public static void Init(ref State state)
    {
        if (SHA1_Init(ref state) != 1)
        {
            throw new CryptographicException("SHA1_Init failed.");
        }
    }

    public static void Update(ref State state, ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty && SHA1_Update(ref state, ref MemoryMarshal.GetReference(data), (nuint)data.Length) != 1)
        {
            throw new CryptographicException("SHA1_Update failed.");
        }
    }

    /// <summary>Writes the 20-byte digest and leaves the state spent.</summary>
    public static void Final(ref State state, Span<byte> digest)
    {
        if (digest.Length < 20 || SHA1_Final(ref MemoryMarshal.GetReference(digest), ref state) != 1)
        {
            throw new CryptographicException("SHA1_Final failed.");
        }
    }

    /// <summary>FIPS 180-4 Appendix A.1: SHA-1("abc").</summary>
    private static bool Probe()
    {
        try
        {
            var state = default(State);
            Span<byte> digest = stackalloc byte[20];
            Init(ref state);
            Update(ref state, "abc"u8);
            Final(ref state, digest);
            return digest.SequenceEqual(Convert.FromHexString("A9993E364706816ABA3E25717850C26C9CD0D89D"));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
        {
            return false;
        }
    }

    [DllImport(Library, ExactSpelling = true)]
    private static extern int SHA1_Init(ref State state);

    [DllImport(Library, ExactSpelling = true)]
    private static extern int SHA1_Update(ref State state, ref byte data, nuint length);

    [DllImport(Library, ExactSpelling = true)]
    private static extern int SHA1_Final(ref byte digest, ref State state);

    /// <summary>SHA_CTX is 96 bytes (five chaining words, the bit count, a 64-byte block, its fill); room for more.</summary>
    [InlineArray(16)]
    public struct State
    {
        private ulong _element;
    }
}
