using System.Text.Json;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// A JSON-RPC 2.0 request. <see cref="RawId"/> is the id's JSON text, echoed as received (numbers from 0,
/// strings, or <c>null</c>); a request without id is a notification and gets no reply.
/// <see cref="Params"/> is an object, or null when absent. Its elements live as long as the parsed document.
/// </summary>
internal readonly record struct JsonRpcRequest(string? RawId, string Method, JsonElement? Params)
{
    public const string NullId = "null";

    public bool IsNotification => RawId is null;

    /// <summary>
    /// Reads a request out of a parsed message. On failure <paramref name="error"/> says why and
    /// <paramref name="errorId"/> is the id to answer with (<c>null</c> when the id itself could not be read).
    /// </summary>
    public static bool TryRead(JsonElement root, out JsonRpcRequest request, out KurentoErrorException? error, out string errorId)
    {
        request = default;
        errorId = NullId;
        if (root.ValueKind == JsonValueKind.Array)
        {
            error = new KurentoErrorException(KurentoErrorCode.InvalidRequest, "Invalid request: batches are not supported");
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new KurentoErrorException(KurentoErrorCode.InvalidRequest, "Invalid request: expected a JSON object");
            return false;
        }

        string? rawId = null;
        if (root.TryGetProperty("id", out var id))
        {
            switch (id.ValueKind)
            {
                case JsonValueKind.Number:
                case JsonValueKind.String:
                    rawId = id.GetRawText();
                    break;
                case JsonValueKind.Null:
                    rawId = NullId;
                    break;
                default:
                    error = new KurentoErrorException(KurentoErrorCode.InvalidRequest, "Invalid request: 'id' must be a number or a string");
                    return false;
            }
        }

        errorId = rawId ?? NullId;
        if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"))
        {
            error = new KurentoErrorException(KurentoErrorCode.InvalidRequest, "Invalid request: 'jsonrpc' must be \"2.0\"");
            return false;
        }

        if (!root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
        {
            error = new KurentoErrorException(KurentoErrorCode.InvalidRequest, "Invalid request: 'method' must be a string");
            return false;
        }

        JsonElement? parameters = null;
        if (root.TryGetProperty("params", out var p))
        {
            switch (p.ValueKind)
            {
                case JsonValueKind.Object:
                    parameters = p;
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    error = new KurentoErrorException(KurentoErrorCode.InvalidParams, "Invalid params: 'params' must be an object");
                    return false;
            }
        }

        request = new JsonRpcRequest(rawId, method.GetString()!, parameters);
        error = null;
        return true;
    }
}
