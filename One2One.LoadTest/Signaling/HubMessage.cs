using System.Text.Json;

namespace One2One.LoadTest.Signaling;

/// <summary>
/// A callback the server made (a SignalR invocation frame), or the completion of one of our invocations
/// (<see cref="Target"/> is <see cref="HubMessage.Completion"/>). Stamped when its frame was read, so latencies
/// don't include the time the tool took to look at it.
/// </summary>
internal sealed record HubMessage(string Target, JsonElement Argument, long ReceivedAt)
{
    public const string Completion = "(completion)";

    public string? GetString(string property) =>
        Argument.ValueKind == JsonValueKind.Object && Argument.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public override string ToString() => $"{Target} {Argument}";
}
