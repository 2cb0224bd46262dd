using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace One2One.Tests.Ice;

/// <summary>
/// The TURN REST password computed without the server's code or .NET's HMAC: BouncyCastle's HMAC-SHA1 of the user
/// name under the shared secret, in base64. What coturn computes with <c>use-auth-secret</c>.
/// </summary>
internal static class IndependentTurnCredential
{
    public static string For(string sharedSecret, string username)
    {
        var mac = new HMac(new Sha1Digest());
        mac.Init(new KeyParameter(Encoding.UTF8.GetBytes(sharedSecret)));
        var input = Encoding.UTF8.GetBytes(username);
        mac.BlockUpdate(input, 0, input.Length);
        var output = new byte[mac.GetMacSize()];
        mac.DoFinal(output, 0);
        return Convert.ToBase64String(output);
    }

    /// <summary>The expiry a TURN REST user name carries, <c>&lt;unix seconds&gt;:&lt;name&gt;</c>.</summary>
    public static (DateTimeOffset Expiry, string Name) Parse(string username)
    {
        var colon = username.IndexOf(':', StringComparison.Ordinal);
        colon.Should().BePositive($"'{username}' is <unix expiry>:<name>");
        return (DateTimeOffset.FromUnixTimeSeconds(long.Parse(username[..colon], System.Globalization.CultureInfo.InvariantCulture)), username[(colon + 1)..]);
    }
}
