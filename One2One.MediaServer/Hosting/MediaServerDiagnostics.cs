using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Hosting;

/// <summary>What the media server holds right now; lets a test prove that after release nothing is left.</summary>
internal sealed record MediaServerCounts(int Sessions, int Connections, int Pipelines, int Endpoints, int OpenSockets);

internal sealed class MediaServerDiagnostics(
    MediaSet mediaSet,
    KurentoSessionRegistry sessions,
    KurentoWebSocketHandler handler)
{
    /// <summary>Endpoint slots held under MediaServer:MaxEndpoints; equals the live endpoints once no create is in flight.</summary>
    public int AdmittedEndpoints => mediaSet.Admission.Admitted;

    public MediaServerCounts GetCounts() => new(
        sessions.Count,
        handler.OpenConnections,
        mediaSet.PipelineCount,
        mediaSet.EndpointCount,
        mediaSet.MediaFactory.OpenSocketCount);

    /// <summary>Completes when releases started by session collection or closeSession have finished.</summary>
    public Task WhenReleasesDoneAsync() => sessions.WhenReleasesDoneAsync();
}
