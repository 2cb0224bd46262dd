using System.Text.Json;
using System.Text.Json.Nodes;
using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>A remote Kurento object, known by its id.</summary>
public abstract class MediaObject
{
    private protected MediaObject(IKurentoRpc rpc, string id)
    {
        Rpc = rpc;
        Id = id;
    }

    public string Id { get; protected init; }

    private protected IKurentoRpc Rpc { get; }

    /// <summary>
    /// Releases the object on the media server (a pipeline releases its children). Throws if the release failed or its outcome
    /// is unknown; in the latter case the client sends it again once the session resumes. Cancelling stops the waiting, not the
    /// release.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Rpc.ReleaseAsync(Id, cancellationToken);
        }
        finally
        {
            // Whatever the outcome (released, already gone, timed out, connection lost), the caller is done with the object,
            // and the routes' handlers hold its state (a call, its users and their outboxes): keeping them would leak it.
            Rpc.ForgetEventRoutes(ReleasedObjectIds());
            OnReleased();
        }
    }

    /// <summary>After <see cref="ReleaseAsync"/>, whatever its outcome: what else holds this object lets it go.</summary>
    private protected virtual void OnReleased()
    {
    }

    /// <summary>
    /// Subscribes to an event of this object (with the 6.x name as a fallback on 40106). Handlers run one at
    /// a time, in arrival order, off the socket's receive loop; they must not block.
    /// </summary>
    /// <remarks>
    /// Handlers of one event type on one object share one server subscription: the media server sends an
    /// event once per subscription, so subscribing per handler would deliver every event several times.
    /// </remarks>
    public Task<KurentoSubscription> SubscribeAsync<TEvent>(Action<TEvent> handler, CancellationToken cancellationToken = default)
        where TEvent : IKurentoEvent<TEvent>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Rpc.SubscribeAsync(Id, handler, cancellationToken);
    }

    public override string ToString() => Id;

    /// <summary>The ids whose event routes die with this object when it is released.</summary>
    private protected virtual IReadOnlyCollection<string> ReleasedObjectIds() => [Id];

    private protected Task<JsonElement> InvokeAsync(string operation, JsonObject? operationParams, CancellationToken cancellationToken)
    {
        var parameters = new JsonObject { ["object"] = Id, ["operation"] = operation };
        if (operationParams is not null)
        {
            parameters["operationParams"] = operationParams;
        }

        return Rpc.RequestAsync("invoke", parameters, cancellationToken);
    }
}
