using System.Text.Json;
using System.Text.Json.Nodes;

namespace One2One.Kurento.Internal;

/// <summary>
/// Requests given up before their reply (timed out, cancelled) whose success would leave an object on the media server
/// that nobody holds: <c>create MediaPipeline</c> (the pipeline, and everything later created in it) and <c>ref</c> (our
/// session's hold on another session's pipeline). A reply that still comes names that object, to be released; without it
/// the object lives as long as the session, which the keep-alive keeps for ever. Endpoints and other elements live in a
/// pipeline, which is released with the call.
/// </summary>
/// <remarks>
/// Bounded: the oldest is forgotten past <see cref="Capacity"/> (its reply, should it come that late, is dropped as
/// before). Not thread-safe: the connection guards it with its lock.
/// </remarks>
internal sealed class AbandonedRequests
{
    public const int Capacity = 256;

    private readonly Dictionary<long, PendingRequest> _byId = [];
    private readonly Queue<long> _order = new();

    /// <summary>Whether <paramref name="request"/>'s success would leave an object nobody holds once it is given up.</summary>
    public static bool Matters(PendingRequest request) =>
        request.Method == "ref" || (request.Method == "create" && request.Description == "create MediaPipeline");

    public void Add(PendingRequest request)
    {
        if (!Matters(request) || !_byId.TryAdd(request.Id, request))
        {
            return;
        }

        _order.Enqueue(request.Id);
        while (_order.Count > Capacity)
        {
            _byId.Remove(_order.Dequeue());
        }
    }

    /// <summary>A request given up whose reply had come after all (its requester took the result).</summary>
    public void Forget(long id) => _byId.Remove(id);

    /// <summary>
    /// The object a late successful reply to an abandoned request names (the created pipeline's id from the result's
    /// <c>value</c>, the held pipeline's from the <c>ref</c>'s own parameters); null when the reply is to nothing given up here.
    /// </summary>
    public string? TakeObject(long id, JsonElement result)
    {
        if (!_byId.Remove(id, out var request))
        {
            return null;
        }

        // The id stays in _order until it comes round: removing from the middle of a queue is not worth it for 256 ids.
        return request.Method == "ref"
            ? request.Parameters?["object"] is JsonValue held && held.TryGetValue(out string? heldId) ? heldId : null
            : result.ValueKind == JsonValueKind.Object && result.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }
}
