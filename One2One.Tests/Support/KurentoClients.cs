using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.Kurento;

namespace One2One.Tests.Support;

/// <summary>Our Kurento client, pointed at a media server by address.</summary>
internal static class KurentoClients
{
    public static KurentoClient For(Uri uri, TimeProvider? time = null)
    {
        var options = Options.Create(new KurentoOptions { Uri = uri.ToString() });
        return new KurentoClient(new ConfiguredMediaServerLocator(options), options, time ?? TimeProvider.System, NullLogger<KurentoClient>.Instance);
    }
}
