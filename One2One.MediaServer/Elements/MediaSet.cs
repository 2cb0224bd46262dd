using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace One2One.MediaServer.Elements;

/// <summary>
/// The registry of live media objects (KMS's MediaSet), shared by every session: thread-safe by a concurrent
/// dictionary; the graph inside each pipeline is guarded by that pipeline's gate.
/// Ids follow KMS because clients parse them: <c>&lt;uuid&gt;_kurento.MediaPipeline</c> and
/// <c>&lt;pipelineId&gt;/&lt;uuid&gt;_kurento.WebRtcEndpoint</c>.
/// </summary>
internal sealed class MediaSet
{
    private readonly ConcurrentDictionary<string, MediaObjectImpl> _objects = new(StringComparer.Ordinal);

    /// <param name="admission">The server-wide endpoint limit; none = unlimited (elements driven directly in tests).</param>
    public MediaSet(IWebRtcSessionFactory mediaFactory, TimeProvider timeProvider, ILogger<MediaSet> logger, EndpointAdmission? admission = null)
    {
        MediaFactory = mediaFactory;
        TimeProvider = timeProvider;
        Logger = logger;
        Admission = admission ?? EndpointAdmission.Unlimited;
        ServerManager = new ServerManager(this);
        _objects[ServerManager.Id] = ServerManager;
    }

    public IWebRtcSessionFactory MediaFactory { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public ServerManager ServerManager { get; }

    public EndpointAdmission Admission { get; }

    public MediaPipelineImpl CreatePipeline(IMediaObjectOwner? owner)
    {
        var pipeline = new MediaPipelineImpl($"{Guid.NewGuid()}_{MediaObjectType.MediaPipeline.QualifiedName}", this, owner);
        Add(pipeline);
        return pipeline;
    }

    /// <summary>
    /// Creates an endpoint in <paramref name="pipeline"/> once <see cref="Admission"/> grants it a slot: 40009
    /// NOT_ENOUGH_RESOURCES when the server holds its limit. The endpoint gives the slot back when its media is
    /// disposed; a creation that fails gives it back here.
    /// </summary>
    public async ValueTask<WebRtcEndpointImpl> CreateWebRtcEndpointAsync(MediaPipelineImpl pipeline, bool recvOnly, bool sendOnly, IMediaObjectOwner? owner)
    {
        var slot = Admission.TryAdmit() ?? throw Protocol.KurentoErrors.NotEnoughResources(
            $"Not enough resources: the media server holds {Admission.Limit} WebRtcEndpoints, its limit (MediaServer:MaxEndpoints)");
        var id = $"{pipeline.Id}/{Guid.NewGuid()}_{MediaObjectType.WebRtcEndpoint.QualifiedName}";
        var settings = new WebRtcEndpointSettings(id, recvOnly, sendOnly);
        try
        {
            return await pipeline.AddChildAsync(() => new WebRtcEndpointImpl(id, pipeline, settings, MediaFactory, owner, slot)).ConfigureAwait(false);
        }
        catch
        {
            // Not built (the media factory failed) or the pipeline was released meanwhile (40101).
            slot.Release();
            throw;
        }
    }

    public bool TryGet(string id, out MediaObjectImpl mediaObject) => _objects.TryGetValue(id, out mediaObject!);

    /// <summary>The object, or 40101 MEDIA_OBJECT_NOT_FOUND.</summary>
    public MediaObjectImpl Get(string id) =>
        _objects.TryGetValue(id, out var mediaObject) && !mediaObject.IsReleased ? mediaObject : throw Protocol.KurentoErrors.ObjectNotFound(id);

    public MediaPipelineImpl[] Pipelines() => _objects.Values.OfType<MediaPipelineImpl>().Where(p => !p.IsReleased).ToArray();

    /// <summary>Releases every live pipeline (with its elements); the server is stopping. Never throws.</summary>
    public async Task ReleaseAllAsync()
    {
        foreach (var pipeline in Pipelines())
        {
            try
            {
                await pipeline.ReleaseAsync().ConfigureAwait(false);
            }
            catch (Protocol.KurentoErrorException)
            {
                // Released by someone else meanwhile.
            }
        }
    }

    public int PipelineCount => _objects.Values.Count(o => o is MediaPipelineImpl);

    public int EndpointCount => _objects.Values.Count(o => o is WebRtcEndpointImpl);

    internal void Add(MediaObjectImpl mediaObject)
    {
        _objects[mediaObject.Id] = mediaObject;
        ElementsLog.ObjectCreated(Logger, mediaObject.Id);
    }

    internal void Remove(MediaObjectImpl mediaObject)
    {
        if (_objects.TryRemove(new KeyValuePair<string, MediaObjectImpl>(mediaObject.Id, mediaObject)))
        {
            ElementsLog.ObjectReleased(Logger, mediaObject.Id);
        }
    }
}
