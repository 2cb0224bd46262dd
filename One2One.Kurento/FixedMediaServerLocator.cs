namespace One2One.Kurento;

/// <summary>One media server at a known address (a member of a pool of several).</summary>
public sealed class FixedMediaServerLocator(Uri uri) : IMediaServerLocator
{
    public ValueTask<Uri> GetUriAsync(CancellationToken cancellationToken) => ValueTask.FromResult(uri);
}
