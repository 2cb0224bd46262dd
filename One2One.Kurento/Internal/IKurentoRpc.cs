using System.Text.Json;
using System.Text.Json.Nodes;

namespace One2One.Kurento.Internal;

/// <summary>What a media object needs from the client: requests on the session, and event subscriptions.</summary>
internal interface IKurentoRpc
{
    /// <summary>Sends a request (the session's sessionId is added) and returns the reply's <c>result</c>.</summary>
    Task<JsonElement> RequestAsync(string method, JsonObject? parameters, CancellationToken cancellationToken);

    /// <summary>
    /// Releases an object. The request runs to its reply or its timeout whatever <paramref name="cancellationToken"/> does (which
    /// only stops the waiting); if its outcome is unknown, the client sends it again when the session resumes.
    /// </summary>
    Task ReleaseAsync(string objectId, CancellationToken cancellationToken);

    Task<KurentoSubscription> SubscribeAsync<TEvent>(string objectId, Action<TEvent> handler, CancellationToken cancellationToken)
        where TEvent : IKurentoEvent<TEvent>;

    /// <summary>Drops the event routes of released objects (the media server dropped their subscriptions).</summary>
    void ForgetEventRoutes(IReadOnlyCollection<string> objectIds);
}
