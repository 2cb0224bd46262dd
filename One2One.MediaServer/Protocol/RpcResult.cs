using System.Text.Json;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// The members of a reply's <c>result</c> other than <c>sessionId</c>, which the dispatcher adds:
/// usually <c>value</c> (<c>null</c> for a void operation, as KMS sends it), or <c>describe</c>'s fields.
/// </summary>
internal sealed class RpcResult
{
    private readonly Action<Utf8JsonWriter>? _writeMembers;

    private RpcResult(Action<Utf8JsonWriter>? writeMembers) => _writeMembers = writeMembers;

    /// <summary>No member besides sessionId (release, unsubscribe, keepAlive).</summary>
    public static readonly RpcResult Empty = new(null);

    /// <summary><c>"value": null</c>, the reply of a void operation.</summary>
    public static readonly RpcResult Void = new(static w => w.WriteNull("value"));

    public static RpcResult Value(string? value) =>
        value is null ? Void : new(w => w.WriteString("value", value));

    public static RpcResult Value(bool value) => new(w => w.WriteBoolean("value", value));

    public static RpcResult Value(long value) => new(w => w.WriteNumber("value", value));

    public static RpcResult Value(double value) => new(w => w.WriteNumber("value", value));

    public static RpcResult Value(IEnumerable<string> values) => new(w =>
    {
        w.WriteStartArray("value");
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    });

    /// <summary><c>value</c> written by <paramref name="writeValue"/> (which writes exactly one JSON value).</summary>
    public static RpcResult ValueFrom(Action<Utf8JsonWriter> writeValue) => new(w =>
    {
        w.WritePropertyName("value");
        writeValue(w);
    });

    /// <summary>Several members (describe, connect).</summary>
    public static RpcResult Members(Action<Utf8JsonWriter> writeMembers) => new(writeMembers);

    public void WriteMembers(Utf8JsonWriter writer) => _writeMembers?.Invoke(writer);
}
