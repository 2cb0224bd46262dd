using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Hosting;

/// <summary>Fails start-up with a clear message when no WebRTC machinery is registered, instead of at the first endpoint.</summary>
internal sealed class MediaFactoryCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IWebRtcSessionFactory>() is null)
        {
            throw new InvalidOperationException(
                "No IWebRtcSessionFactory is registered: the media server cannot create WebRtcEndpoints. " +
                "Register the Rtc implementation (services.TryAddSingleton<IWebRtcSessionFactory, ...>()) with AddKurentoMediaServer.");
        }

        _ = services.GetRequiredService<MediaSet>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
