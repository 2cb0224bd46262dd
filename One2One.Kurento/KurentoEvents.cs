using System.Text.Json;

namespace One2One.Kurento;

/// <summary>
/// A Kurento event type: its 7.x name, the 6.x name to fall back to when the server answers 40106,
/// and how to read it from <c>onEvent</c>'s <c>params.value.data</c>.
/// </summary>
public interface IKurentoEvent<TSelf> where TSelf : IKurentoEvent<TSelf>
{
    static abstract string EventType { get; }

    static abstract string? LegacyEventType { get; }

    /// <summary>Reads the event from <c>params.value.data</c>; throws <see cref="FormatException"/> when a field is missing or malformed.</summary>
    static abstract TSelf Parse(JsonElement data);
}

public enum MediaType { Audio, Video, Data }

public enum IceComponentState { Disconnected, Gathering, Connecting, Connected, Ready, Failed }

public enum MediaFlowState { Flowing, NotFlowing }

public enum ConnectionState { Disconnected, Connected }

/// <summary>An ICE candidate as Kurento's IceCandidate complex type carries it.</summary>
public sealed record KurentoIceCandidate(string Candidate, string SdpMid, int SdpMLineIndex);
