using System.Security.Cryptography;
using System.Text;

namespace One2One.MediaServer.Rtc.Ice;

/// <summary>An ICE ufrag and password (RFC 8839 §5.4: ice-chars, ufrag at least 4, password at least 22).</summary>
internal sealed class IceCredentials
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public IceCredentials(string ufrag, string password)
    {
        Ufrag = ufrag;
        Password = password;
        UfragBytes = Encoding.ASCII.GetBytes(ufrag);
        PasswordBytes = Encoding.ASCII.GetBytes(password);
    }

    public string Ufrag { get; }

    public string Password { get; }

    public byte[] UfragBytes { get; }

    /// <summary>The short-term credential key for MESSAGE-INTEGRITY (RFC 5389 §15.4).</summary>
    public byte[] PasswordBytes { get; }

    public static IceCredentials Generate() =>
        new(RandomNumberGenerator.GetString(IceChars, 8), RandomNumberGenerator.GetString(IceChars, 24));
}
