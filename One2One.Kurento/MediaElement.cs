using System.Text.Json.Nodes;
using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>A media element: a source and sink of media that can be connected to other elements.</summary>
public abstract class MediaElement : MediaObject
{
    private protected MediaElement(IKurentoRpc rpc, string id) : base(rpc, id)
    {
    }

    /// <summary>Sends this element's media (all, or one <paramref name="mediaType"/>) to <paramref name="sink"/>.</summary>
    public Task ConnectAsync(MediaElement sink, MediaType? mediaType = null, CancellationToken cancellationToken = default) =>
        InvokeAsync("connect", ConnectionParams(sink, mediaType), cancellationToken);

    public Task DisconnectAsync(MediaElement sink, MediaType? mediaType = null, CancellationToken cancellationToken = default) =>
        InvokeAsync("disconnect", ConnectionParams(sink, mediaType), cancellationToken);

    private static JsonObject ConnectionParams(MediaElement sink, MediaType? mediaType)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var operationParams = new JsonObject { ["sink"] = sink.Id };
        if (mediaType is { } type)
        {
            operationParams["mediaType"] = KurentoWireNames.Of(type);
        }

        return operationParams;
    }
}
