using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// The handshake messages so far, as the Finished, CertificateVerify and extended-master-secret hashes cover them:
/// each message whole, with a DTLS header as if it had been sent in one fragment (RFC 6347 §4.2.6). Kept as bytes
/// because the client picks the CertificateVerify hash; bounded by the reassembler's limits on what the peer sends.
/// Dropped when the handshake ends. Owned by the session's thread.
/// </summary>
internal sealed class HandshakeTranscript
{
    private readonly TlsWriter _messages = new(4096);

    /// <summary>How many bytes so far; a prefix of the transcript is named by its length.</summary>
    public int Length => _messages.Length;

    public void Append(HandshakeType type, int messageSequence, ReadOnlySpan<byte> body)
    {
        new HandshakeHeader(type, body.Length, messageSequence, 0, body.Length).Write(_messages.Reserve(HandshakeHeader.Size));
        _messages.WriteBytes(body);
    }

    /// <summary>The first <paramref name="length"/> bytes, for a signature check.</summary>
    public ReadOnlySpan<byte> Prefix(int length) => _messages.Written[..length];

    /// <summary>The hash of the first <paramref name="length"/> bytes.</summary>
    public byte[] Hash(HashAlgorithmName hash, int length) => CryptographicOperations.HashData(hash, Prefix(length));
}
