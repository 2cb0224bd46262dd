namespace One2One.Kurento;

/// <summary>Where the media server's Kurento endpoint is: configured, or the embedded server once it listens.</summary>
public interface IMediaServerLocator
{
    ValueTask<Uri> GetUriAsync(CancellationToken cancellationToken);
}
