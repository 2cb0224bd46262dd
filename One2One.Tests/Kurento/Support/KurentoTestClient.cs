using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.Kurento;

namespace One2One.Tests.Kurento.Support;

internal static class KurentoTestClient
{
    /// <summary>A safety limit for awaiting what should happen at once; a test never asserts on time.</summary>
    public static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    public static KurentoClient Create(
        ScriptedKurentoServer server, TimeProvider? time = null, Action<KurentoOptions>? configure = null, ILogger<KurentoClient>? logger = null) =>
        Create(server.Uri, time, configure, logger);

    /// <summary>A client of any media server that speaks the protocol at <paramref name="uri"/>.</summary>
    public static KurentoClient Create(
        Uri uri, TimeProvider? time = null, Action<KurentoOptions>? configure = null, ILogger<KurentoClient>? logger = null)
    {
        var options = new KurentoOptions { Uri = uri.ToString() };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        return new KurentoClient(new ConfiguredMediaServerLocator(wrapped), wrapped, time ?? TimeProvider.System, logger ?? NullLogger<KurentoClient>.Instance);
    }
}
