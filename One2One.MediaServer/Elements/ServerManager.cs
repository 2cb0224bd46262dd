namespace One2One.MediaServer.Elements;

/// <summary>Kurento's ServerManager, the one object every client describes first (id <c>manager_ServerManager</c>).</summary>
internal sealed class ServerManager(MediaSet mediaSet) : MediaObjectImpl(ServerManagerId, MediaObjectType.ServerManager, mediaSet, parent: null, owner: null)
{
    public const string ServerManagerId = "manager_ServerManager";

    /// <summary>Kurento modules whose names clients check in getInfo (kurento-client requires core, elements and filters).</summary>
    public static readonly IReadOnlyList<(string Name, string[] Factories)> Modules =
    [
        ("core", ["MediaPipeline"]),
        ("elements", ["WebRtcEndpoint"]),
        ("filters", []),
    ];

    /// <summary>The KMS version whose protocol we speak (reported by getInfo).</summary>
    public const string Version = "7.0.0";

    public override IReadOnlyList<MediaObjectImpl> Children => MediaSet.Pipelines();
}
