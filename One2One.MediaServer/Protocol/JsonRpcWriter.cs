using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace One2One.MediaServer.Protocol;

/// <summary>Writes JSON-RPC 2.0 replies as KMS shapes them: <c>result</c> carries <c>sessionId</c>; errors carry <c>data.type</c>.</summary>
internal static class JsonRpcWriter
{
    // SDP and candidates are full of '+' and '/': keep them readable (the wire is not HTML).
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    public static byte[] Result(string rawId, string? sessionId, RpcResult result) =>
        Write(w => WriteResult(w, rawId, sessionId, result));

    public static byte[] Error(string rawId, KurentoErrorCode code, string message) =>
        Write(w => WriteError(w, rawId, code, message));

    public static void WriteResult(Utf8JsonWriter writer, string rawId, string? sessionId, RpcResult result)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        writer.WriteRawValue(rawId, skipInputValidation: true);
        writer.WriteStartObject("result");
        result.WriteMembers(writer);
        if (sessionId is not null)
        {
            writer.WriteString("sessionId", sessionId);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteError(Utf8JsonWriter writer, string rawId, KurentoErrorCode code, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        writer.WriteRawValue(rawId, skipInputValidation: true);
        writer.WriteStartObject("error");
        writer.WriteNumber("code", (int)code);
        writer.WriteString("message", message);
        writer.WriteStartObject("data");
        writer.WriteString("type", KurentoErrors.TypeOf(code));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
