namespace One2One.Kurento;

/// <summary>
/// What may be logged of a media server's URI: scheme, host and port. The path of the embedded media server is a secret
/// (its control token), and a configured URI may carry credentials in its user info, path or query.
/// </summary>
public static class LoggedAddress
{
    public static string Of(Uri uri) =>
        uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.Scheme | UriComponents.HostAndPort, UriFormat.UriEscaped) : "(a relative URI)";

    public static string Of(string uri) => Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? Of(parsed) : "(an invalid URI)";
}
