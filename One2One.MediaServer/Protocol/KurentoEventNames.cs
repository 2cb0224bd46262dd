using System.Collections.Frozen;
using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// Event names clients subscribe with. 7.x names are canonical; the 6.x names (removed in 7.0, still used by
/// older clients, OpenVidu PR#722) are aliases: a subscription under an alias is delivered under that alias.
/// </summary>
internal static class KurentoEventNames
{
    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OnIceCandidate"] = "IceCandidateFound",
        ["OnIceGatheringDone"] = "IceGatheringDone",
        ["OnIceComponentStateChanged"] = "IceComponentStateChanged",
        ["IceComponentStateChange"] = "IceComponentStateChanged",
        ["MediaFlowInStateChange"] = "MediaFlowInStateChanged",
        ["MediaFlowOutStateChange"] = "MediaFlowOutStateChanged",
        ["MediaTranscodingStateChange"] = "MediaTranscodingStateChanged",
        ["OnDataChannelOpened"] = "DataChannelOpened",
        ["DataChannelOpen"] = "DataChannelOpened",
        ["OnDataChannelClosed"] = "DataChannelClosed",
        ["DataChannelClose"] = "DataChannelClosed",

        // BaseRtpEndpoint's MediaState (RTCP seen) is reported as the connection state: same payload.
        ["MediaStateChanged"] = "ConnectionStateChanged",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The 7.x event <paramref name="requested"/> stands for on <paramref name="type"/>, or false (40106).</summary>
    public static bool TryResolve(MediaObjectType type, string requested, out string canonical)
    {
        canonical = Aliases.TryGetValue(requested, out var target) ? target : requested;
        return type.Events.Contains(canonical) || type.Events.Contains(requested);
    }
}
