using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Dtls.Crypto;

/// <summary>
/// The TLS 1.2 secrets derived with <see cref="TlsPrf"/>: the master secret (RFC 5246 §8.1, or RFC 7627 §4 when the
/// extended master secret was negotiated), the key block (RFC 5246 §6.3), the Finished verify_data (RFC 5246 §7.4.9)
/// and the keying material exporter (RFC 5705 §4, without a context, as DTLS-SRTP uses it).
/// </summary>
internal static class TlsKeySchedule
{
    public const int MasterSecretLength = 48;
    public const int RandomLength = 32;
    public const int VerifyDataLength = 12;

    /// <summary>RFC 5705 §4: these labels belong to TLS itself and must not be exported.</summary>
    private static readonly string[] ReservedExporterLabels = ["client finished", "server finished", "master secret", "key expansion", "extended master secret"];

    public static byte[] MasterSecret(DtlsCipherSuite suite, ReadOnlySpan<byte> preMasterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom)
    {
        var master = new byte[MasterSecretLength];
        TlsPrf.Compute(suite.Hash, preMasterSecret, "master secret"u8, clientRandom, serverRandom, master);
        return master;
    }

    /// <summary>RFC 7627 §4: the session hash is the transcript hash up to and including the ClientKeyExchange.</summary>
    public static byte[] ExtendedMasterSecret(DtlsCipherSuite suite, ReadOnlySpan<byte> preMasterSecret, ReadOnlySpan<byte> sessionHash)
    {
        var master = new byte[MasterSecretLength];
        TlsPrf.Compute(suite.Hash, preMasterSecret, "extended master secret"u8, sessionHash, master);
        return master;
    }

    /// <summary>
    /// RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random), cut into
    /// client_write_key, server_write_key, client_write_IV, server_write_IV (AEAD suites have no MAC keys).
    /// </summary>
    public static TlsKeyBlock KeyBlock(DtlsCipherSuite suite, ReadOnlySpan<byte> masterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom)
    {
        var block = new byte[suite.KeyBlockLength];
        TlsPrf.Compute(suite.Hash, masterSecret, "key expansion"u8, serverRandom, clientRandom, block);
        return new TlsKeyBlock(block, suite.KeyLength);
    }

    /// <summary>RFC 5246 §7.4.9: PRF(master_secret, finished_label, Hash(handshake_messages))[0..11].</summary>
    public static void FinishedVerifyData(
        DtlsCipherSuite suite, ReadOnlySpan<byte> masterSecret, bool fromClient, ReadOnlySpan<byte> transcriptHash, Span<byte> verifyData) =>
        TlsPrf.Compute(suite.Hash, masterSecret, fromClient ? "client finished"u8 : "server finished"u8, transcriptHash, verifyData[..VerifyDataLength]);

    /// <summary>RFC 5705 §4 without a context: PRF(master_secret, label, client_random + server_random)[length].</summary>
    public static byte[] Export(
        DtlsCipherSuite suite, ReadOnlySpan<byte> masterSecret, string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (Array.IndexOf(ReservedExporterLabels, label) >= 0)
        {
            throw new ArgumentException($"'{label}' is reserved for TLS itself (RFC 5705 §4).", nameof(label));
        }

        var output = new byte[length];
        TlsPrf.Compute(suite.Hash, masterSecret, System.Text.Encoding.ASCII.GetBytes(label), clientRandom, serverRandom, output);
        return output;
    }
}

/// <summary>The key block of an AEAD suite, cut into its parts; <see cref="Dispose"/> zeroes it.</summary>
internal sealed class TlsKeyBlock(byte[] block, int keyLength) : IDisposable
{
    public ReadOnlySpan<byte> ClientWriteKey => block.AsSpan(0, keyLength);

    public ReadOnlySpan<byte> ServerWriteKey => block.AsSpan(keyLength, keyLength);

    public ReadOnlySpan<byte> ClientWriteIv => block.AsSpan(2 * keyLength, DtlsCipherSuite.FixedIvLength);

    public ReadOnlySpan<byte> ServerWriteIv => block.AsSpan(2 * keyLength + DtlsCipherSuite.FixedIvLength, DtlsCipherSuite.FixedIvLength);

    public void Dispose() => CryptographicOperations.ZeroMemory(block);
}
