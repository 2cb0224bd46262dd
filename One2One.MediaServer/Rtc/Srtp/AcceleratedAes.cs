using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// Whether SRTP's AES (counter mode for AES_CM, and GCM) runs on our own AES-NI and PCLMULQDQ code
/// (<see cref="AesNi128"/>, <see cref="Ghash"/>) or on the platform's (.NET over OpenSSL). Decided once per process:
/// ours only where the CPU has the instructions, the AppContext switch <see cref="PlatformSwitch"/> is not set, and
/// our code reproduces published answers at start (RFC 3711 B.2's AES-CM keystream, RFC 7714 §16.1.1's protected
/// packet, and a forged tag refused); on any mismatch, the platform's. The relay benchmark measured ours well over
/// 25% faster end to end (README, Benchmarks), which is why it is kept at all.
/// </summary>
internal static class AcceleratedAes
{
    /// <summary>Set to true (runtimeconfig.json or <c>AppContext.SetSwitch</c>) to use the platform's AES everywhere.</summary>
    public const string PlatformSwitch = "One2One.MediaServer.Srtp.UsePlatformAes";

    private static readonly Lazy<bool> Enabled = new(Decide);

    /// <summary>True: SRTP uses our code. Reading it first runs the self-test.</summary>
    public static bool IsEnabled => Enabled.Value;

    /// <summary>Why it is (not) used, for the start-up log line.</summary>
    public static string Reason { get; private set; } = "";

    /// <summary>Our AES-CM and GCM give the RFC answers and refuse a forged tag.</summary>
    internal static bool PassesSelfTest()
    {
        // RFC 3711 Appendix B.2: the first three blocks of the AES-CM keystream.
        using (var counterMode = new AesCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"), useAesNi: true))
        {
            Span<byte> keystream = stackalloc byte[48];
            keystream.Clear();
            counterMode.Transform(Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), keystream);
            if (!keystream.SequenceEqual(Convert.FromHexString(
                "E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0")))
            {
                return false;
            }
        }

        // RFC 7714 §16.1.1: the RTP packet's header is the associated data; the nonce is (0 || SSRC || ROC || SEQ) XOR salt.
        var header = Convert.FromHexString("8040f17b8041f8d35501a0b2");
        var nonce = Convert.FromHexString("51753c6580c2726f20718414");
        var data = Convert.FromHexString("47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
        var expected = Convert.FromHexString(
            "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce");
        var tag = new byte[AesGcm128.TagLength];
        using var gcm = new AesGcm128(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"), accelerated: true);
        var plain = (byte[])data.Clone();
        gcm.Seal(nonce, data, tag, header);
        if (!expected.AsSpan().SequenceEqual([.. data, .. tag]) || !gcm.TryOpen(nonce, data, tag, header) || !data.AsSpan().SequenceEqual(plain))
        {
            return false;
        }

        tag[0] ^= 1;
        return !gcm.TryOpen(nonce, data, tag, header);
    }

    private static bool Decide()
    {
        var (enabled, reason) = Decide(
            AppContext.TryGetSwitch(PlatformSwitch, out var platform) && platform, AesGcm128.IsAcceleratedSupported, PassesSelfTest);
        Reason = reason;
        return enabled;
    }

    /// <summary>The decision, apart from the process's switch, CPU and code (tests give it a self-test that fails).</summary>
    internal static (bool Enabled, string Reason) Decide(bool platformSwitch, bool cpuSupported, Func<bool> selfTest)
    {
        if (platformSwitch)
        {
            return (false, $"the platform's ({PlatformSwitch} is set)");
        }

        if (!cpuSupported)
        {
            return (false, "the platform's (no AES-NI and PCLMULQDQ on this CPU)");
        }

        bool passed;
        try
        {
            passed = selfTest();
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException or ArgumentException)
        {
            passed = false;
        }

        return passed ? (true, "ours on AES-NI and PCLMULQDQ (self-test passed)") : (false, "the platform's (our AES-NI code FAILED its self-test)");
    }
}
