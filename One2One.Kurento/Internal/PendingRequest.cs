using System.Text.Json;
using System.Text.Json.Nodes;

namespace One2One.Kurento.Internal;

/// <summary>
/// A request from the moment it is queued until its reply, failure or abandonment. Completed once, by
/// whichever comes first: the receive loop (reply), the connection (lost), or the requester (timeout, cancel).
/// </summary>
internal sealed class PendingRequest
{
    // Queued → Sending when the send loop takes it (from then on it may reach the server), or Queued → Withdrawn when its
    // connection closes first (then it never left this process). The send loop and the closing thread race for it: Interlocked.
    private const int Queued = 0;
    private const int Sending = 1;
    private const int Withdrawn = 2;

    private readonly TaskCompletionSource<JsonElement> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;
    private volatile string? _writtenSessionId;

    public PendingRequest(long id, string method, JsonObject? parameters, bool addSessionId, bool isHandshake)
    {
        Id = id;
        Method = method;
        Parameters = parameters;
        AddSessionId = addSessionId;
        IsHandshake = isHandshake;
        Description = Describe(method, parameters);
    }

    public long Id { get; }

    public string Method { get; }

    /// <summary>Never changed once queued: the send loop serialises it as it is.</summary>
    public JsonObject? Parameters { get; }

    /// <summary>False only for <c>connect</c>, which names the session it wants explicitly (or none).</summary>
    public bool AddSessionId { get; }

    /// <summary>The connection's own <c>connect</c>; its success says nothing about the link's health.</summary>
    public bool IsHandshake { get; }

    /// <summary>"invoke processOffer", "create MediaPipeline", "subscribe IceCandidateFound"...: for errors and logs.</summary>
    public string Description { get; }

    public Task<JsonElement> Reply => _reply.Task;

    /// <summary>Answered, failed or abandoned: the send loop skips it if it was not sent yet.</summary>
    public bool IsCompleted => _reply.Task.IsCompleted;

    /// <summary>For the send loop, just before it writes the request: false if it was answered, abandoned or withdrawn.</summary>
    public bool TryBeginSend() => !IsCompleted && Interlocked.CompareExchange(ref _state, Sending, Queued) == Queued;

    /// <summary>
    /// The session the send loop wrote the request for (set before its first byte goes out); null before, or when there was
    /// none yet. A request cut by a dropped connection may be sent again with its id only on this session.
    /// </summary>
    public string? WrittenSessionId => _writtenSessionId;

    /// <summary>For the send loop, after <see cref="TryBeginSend"/>: the session it writes the request for.</summary>
    public void MarkWriting(string? sessionId) => _writtenSessionId = sessionId;

    /// <summary>For a closing connection: true if the send loop never took the request, so not a byte of it was written.</summary>
    public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Queued) == Queued;

    public static string Describe(string method, JsonObject? parameters)
    {
        string? detail = method switch
        {
            "invoke" => Text(parameters, "operation"),
            "create" or "subscribe" => Text(parameters, "type"),
            _ => null,
        };
        return detail is null ? method : $"{method} {detail}";

        static string? Text(JsonObject? parameters, string name) =>
            parameters?[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
    }

    /// <summary>Completes the request with its reply; false when its requester had given it up already (<see cref="Abandon"/>).</summary>
    public bool Complete(JsonElement result) => _reply.TrySetResult(result);

    public void Fail(Exception exception) => _reply.TrySetException(exception);

    /// <summary>The requester stopped waiting (timeout or cancellation).</summary>
    public void Abandon()
    {
        if (!_reply.TrySetCanceled())
        {
            // Failed at the same moment: observe it so it does not surface as an unobserved task exception.
            _ = _reply.Task.Exception;
        }
    }

    /// <summary>Writes the JSON-RPC 2.0 request; <paramref name="sessionId"/> is read at send time, so a request queued before the first reply still carries it.</summary>
    public void WriteTo(Utf8JsonWriter writer, string? sessionId)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WriteNumber("id", Id);
        writer.WriteString("method", Method);
        bool writeSessionId = AddSessionId && sessionId is not null && Parameters?.ContainsKey("sessionId") != true;
        if (Parameters is not null || writeSessionId)
        {
            writer.WritePropertyName("params");
            writer.WriteStartObject();
            if (Parameters is not null)
            {
                foreach (var (name, value) in Parameters)
                {
                    writer.WritePropertyName(name);
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        value.WriteTo(writer);
                    }
                }
            }

            if (writeSessionId)
            {
                writer.WriteString("sessionId", sessionId);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
