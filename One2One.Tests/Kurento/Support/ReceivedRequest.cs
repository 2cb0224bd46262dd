using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace One2One.Tests.Kurento.Support;

/// <summary>A request as <see cref="ScriptedKurentoServer"/> received it: which connection, the decoded fields and the raw text.</summary>
internal sealed record ReceivedRequest(int Connection, long Id, string Method, JsonObject? Params, string Raw, WebSocketMessageType FrameType)
{
    public string? Param(string name) => Params?[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    public string? SessionId => Param("sessionId");

    public string? Operation => Param("operation");

    public string? Type => Param("type");

    public bool IsInvoke(string operation) => Method == "invoke" && Operation == operation;
}

/// <summary>A request the server holds back until the test answers it.</summary>
internal sealed record HeldRequest(ReceivedRequest Request);
