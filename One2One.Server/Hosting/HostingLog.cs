namespace One2One.Server.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(EventId = 400, EventName = "CertificateLoaded", Level = LogLevel.Information, Message = "HTTPS: using the self-signed certificate in {Path}")]
    public static partial void CertificateLoaded(ILogger logger, string path);

    [LoggerMessage(EventId = 401, EventName = "CertificateCreated", Level = LogLevel.Information, Message = "HTTPS: created a self-signed certificate in {Path} (browsers will warn; configure Kestrel:Certificates:Default for production)")]
    public static partial void CertificateCreated(ILogger logger, string path);

    [LoggerMessage(EventId = 402, EventName = "CertificateUnreadable", Level = LogLevel.Warning, Message = "HTTPS: the certificate in {Path} could not be read; making a new one")]
    public static partial void CertificateUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 403, EventName = "EmbeddedMediaServer", Level = LogLevel.Information, Message = "Media server: embedded, Kurento protocol on loopback port {Port}")]
    public static partial void EmbeddedMediaServer(ILogger logger, int port);

    [LoggerMessage(EventId = 404, EventName = "CertificateNotSaved", Level = LogLevel.Warning, Message = "HTTPS: the self-signed certificate could not be saved to {Path}; using it for this run only")]
    public static partial void CertificateNotSaved(ILogger logger, string path, Exception exception);

    /// <param name="address">Scheme, host and port only: a configured URI may carry credentials.</param>
    [LoggerMessage(EventId = 405, EventName = "ExternalMediaServer", Level = LogLevel.Information, Message = "Media server: external Kurento Media Server at {Address}")]
    public static partial void ExternalMediaServer(ILogger logger, string address);

    [LoggerMessage(EventId = 407, EventName = "ForwardedForIgnored", Level = LogLevel.Warning,
        Message = "A request from {Peer} carries X-Forwarded-For, but no proxy is trusted (ForwardedHeaders:KnownProxies or KnownNetworks): every client behind that proxy counts as its one address for the per-address limits. List the proxy, or ignore this if no proxy is in front")]
    public static partial void ForwardedForIgnored(ILogger logger, string peer);

    [LoggerMessage(EventId = 406, EventName = "ClientTestHooksOn", Level = LogLevel.Warning, Message = "Client:TestHooks is on: the page exposes its state to scripts (window.one2one). For tests only")]
    public static partial void ClientTestHooksOn(ILogger logger);

    [LoggerMessage(EventId = 408, EventName = "SettingsChangeRefused", Level = LogLevel.Error,
        Message = "The changed settings of {Options} are not valid and are not taken; the node keeps its last valid ones until they are mended: {Failures}")]
    public static partial void SettingsChangeRefused(ILogger logger, string options, string failures);

}
