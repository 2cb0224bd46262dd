namespace One2One.MediaServer.Rtc.Stun;

/// <summary>
/// The FINGERPRINT value (RFC 5389 §15.5): CRC-32 of ISO 3309 / ITU-T V.42 (reflected polynomial
/// 0xEDB88320, the one of zip and Ethernet) XOR 0x5354554e.
/// </summary>
internal static class StunFingerprint
{
    public const uint XorValue = 0x5354554E;

    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> message) => Crc32(message) ^ XorValue;

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint value = i;
            for (int bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? 0xEDB88320 ^ (value >> 1) : value >> 1;
            }

            table[i] = value;
        }

        return table;
    }
}
