using Microsoft.Extensions.Options;

namespace One2One.Kurento;

/// <summary>The media server at <c>Kurento:Uri</c>.</summary>
public sealed class ConfiguredMediaServerLocator(IOptions<KurentoOptions> options) : IMediaServerLocator
{
    public ValueTask<Uri> GetUriAsync(CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(options.Value.Uri)
            ? throw new InvalidOperationException("Kurento:Uri is not configured.")
            : ValueTask.FromResult(new Uri(options.Value.Uri, UriKind.Absolute));
}
