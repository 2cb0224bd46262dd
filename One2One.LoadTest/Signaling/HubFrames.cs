using System.Buffers;
using System.Text;
using System.Text.Json;

namespace One2One.LoadTest.Signaling;

/// <summary>
/// SignalR's JSON hub protocol on the wire: each message is a JSON object followed by the record separator
/// 0x1E. Only what the load needs: the handshake, invocations with an id, pings, and reading invocations,
/// completions and close frames.
/// </summary>
internal static class HubFrames
{
    public const byte RecordSeparator = 0x1e;

    // Message types of the hub protocol.
    private const int InvocationType = 1;
    private const int CompletionType = 3;
    private const int PingType = 6;
    private const int CloseType = 7;

    public static ReadOnlyMemory<byte> Handshake { get; } = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");

    public static ReadOnlyMemory<byte> Ping { get; } = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    public static byte[] Invocation(string invocationId, string target, ReadOnlySpan<string?> arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("type", InvocationType);
            json.WriteString("invocationId", invocationId);
            json.WriteString("target", target);
            json.WriteStartArray("arguments");
            foreach (var argument in arguments)
            {
                json.WriteStringValue(argument);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.Write([RecordSeparator]);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The handshake answer: null when accepted, else the server's error.</summary>
    public static string? HandshakeError(ReadOnlySpan<byte> record)
    {
        using var document = JsonDocument.Parse(record.ToArray());
        return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() ?? "handshake refused" : null;
    }

    /// <summary>
    /// Reads one record. Pings give null. An invocation gives its target and first argument, a completion
    /// gives <see cref="HubMessage.Completion"/> with the invocation id and error; a close frame throws.
    /// </summary>
    public static HubMessage? Read(ReadOnlySpan<byte> record, long receivedAt)
    {
        using var document = JsonDocument.Parse(record.ToArray());
        var root = document.RootElement;
        if (!root.TryGetProperty("type", out var type))
        {
            throw new FormatException($"Not a hub message: {Encoding.UTF8.GetString(record)}");
        }

        switch (type.GetInt32())
        {
            case PingType:
                return null;
            case InvocationType:
                var arguments = root.GetProperty("arguments");
                var argument = arguments.GetArrayLength() > 0 ? arguments[0].Clone() : default;
                return new HubMessage(root.GetProperty("target").GetString()!, argument, receivedAt);
            case CompletionType:
                return new HubMessage(HubMessage.Completion, root.Clone(), receivedAt);
            case CloseType:
                throw new HubClosedException(root.TryGetProperty("error", out var error) ? error.GetString() : null);
            default:
                return null;
        }
    }

    public static bool IsPing(ReadOnlySpan<byte> record) => record.SequenceEqual(Ping.Span[..^1]);
}
