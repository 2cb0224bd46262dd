using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Dtls.Crypto;

/// <summary>
/// The server's ephemeral ECDH key on secp256r1 for one handshake (RFC 8422 §2.1), with uncompressed points
/// (RFC 8422 §5.4.1: 0x04 || X || Y). x25519 is not offered: .NET's ECDiffieHellman does not support it on this
/// platform. Owned by one handshake; disposed with it.
/// </summary>
internal sealed class EcdheP256 : IDisposable
{
    /// <summary>NamedGroup secp256r1 (RFC 8422 §5.1.1).</summary>
    public const ushort NamedGroup = 23;

    /// <summary>ECCurveType named_curve (RFC 8422 §5.4).</summary>
    public const byte NamedCurveType = 3;

    private const int CoordinateLength = 32;

    /// <summary>An uncompressed point: the 0x04 prefix and two coordinates.</summary>
    public const int PointLength = 1 + 2 * CoordinateLength;

    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Writes our public point, uncompressed, into <paramref name="destination"/> (<see cref="PointLength"/> bytes).</summary>
    public void WritePublicPoint(Span<byte> destination)
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        destination[0] = 4;
        parameters.Q.X.AsSpan().CopyTo(destination[1..]);
        parameters.Q.Y.AsSpan().CopyTo(destination[(1 + CoordinateLength)..]);
    }

    /// <summary>
    /// The pre-master secret (RFC 8422 §5.10: the x coordinate of the shared point) from the client's public point;
    /// false when the point is not an uncompressed point on the curve (the platform checks it on import).
    /// </summary>
    public bool TryDerivePreMasterSecret(ReadOnlySpan<byte> clientPoint, out byte[] preMasterSecret)
    {
        preMasterSecret = [];
        if (clientPoint.Length != PointLength || clientPoint[0] != 4)
        {
            return false;
        }

        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = clientPoint.Slice(1, CoordinateLength).ToArray(), Y = clientPoint.Slice(1 + CoordinateLength, CoordinateLength).ToArray() },
        };
        try
        {
            using var peer = ECDiffieHellman.Create(parameters);
            preMasterSecret = _key.DeriveRawSecretAgreement(peer.PublicKey);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();
}
