using System.Collections.Frozen;

namespace One2One.MediaServer.Elements;

/// <summary>
/// What <c>describe</c> reports for a class of media objects (its Kurento type, qualified type and
/// hierarchy) and which events it accepts subscriptions for, under their 7.x names.
/// </summary>
internal sealed class MediaObjectType
{
    private MediaObjectType(string name, string[] hierarchy, string[] events)
    {
        Name = name;
        QualifiedName = "kurento." + name;
        Hierarchy = hierarchy;
        Events = events.ToFrozenSet(StringComparer.Ordinal);
    }

    public string Name { get; }

    public string QualifiedName { get; }

    /// <summary>Qualified names of the ancestors, nearest first (KMS getHierarchy).</summary>
    public IReadOnlyList<string> Hierarchy { get; }

    public FrozenSet<string> Events { get; }

    // Event lists follow the 7.x kmd files (core.kmd.json, elements.kmd.json) so that a client subscribing
    // to an event we never raise (e.g. MediaSessionStarted) still gets a subscription and no 40106.
    public static readonly MediaObjectType ServerManager = new(
        "ServerManager", ["kurento.MediaObject"], ["Error", "ObjectCreated", "ObjectDestroyed"]);

    public static readonly MediaObjectType MediaPipeline = new(
        "MediaPipeline", ["kurento.MediaObject"], ["Error"]);

    public static readonly MediaObjectType WebRtcEndpoint = new(
        "WebRtcEndpoint",
        ["kurento.BaseRtpEndpoint", "kurento.SdpEndpoint", "kurento.SessionEndpoint", "kurento.Endpoint", "kurento.MediaElement", "kurento.MediaObject"],
        [
            "Error",
            "ElementConnected", "ElementDisconnected", "MediaFlowInStateChanged", "MediaFlowOutStateChanged", "MediaTranscodingStateChanged",
            "MediaSessionStarted", "MediaSessionTerminated",
            "ConnectionStateChanged", "MediaStateChanged",
            "DataChannelClosed", "DataChannelOpened", "DtlsConnectionStateChange", "IceCandidateFound", "IceComponentStateChanged",
            "IceGatheringDone", "NewCandidatePairSelected",
        ]);
}
