using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Elements;

/// <summary>
/// Kurento's MediaElement: a node of its pipeline's connection graph. The connection lists are guarded by the
/// pipeline's gate (see <see cref="MediaPipeline"/>); subclasses turn a connection into media relaying.
/// </summary>
internal abstract class MediaElementImpl : MediaObjectImpl
{
    private static readonly KurentoMediaType[] AudioAndVideo = [KurentoMediaType.Audio, KurentoMediaType.Video];

    // Guarded by Pipeline's gate.
    private readonly List<ElementConnection> _sinks = [];
    private readonly List<ElementConnection> _sources = [];

    protected MediaElementImpl(string id, MediaObjectType type, MediaPipelineImpl pipeline, IMediaObjectOwner? owner)
        : base(id, type, pipeline.MediaSet, pipeline, owner)
    {
        Pipeline = pipeline;
    }

    public MediaPipelineImpl Pipeline { get; }

    /// <summary>Starts relaying media of <paramref name="kind"/> to <paramref name="sink"/>. Called under the gate.</summary>
    protected abstract void StartRelay(MediaElementImpl sink, KurentoMediaType kind);

    /// <summary>Stops that relay. Called under the gate.</summary>
    protected abstract void StopRelay(MediaElementImpl sink, KurentoMediaType kind);

    /// <summary>Disposes the media machinery; called once, under the gate, after every relay touching it stopped.</summary>
    internal abstract ValueTask DisposeMediaAsync();

    /// <summary>
    /// Connects this source to <paramref name="sink"/> for <paramref name="kind"/> (none = audio and video).
    /// As in KMS a sink takes one source per media type: a previous source of that type is disconnected.
    /// 40004 if the sink is in another pipeline.
    /// </summary>
    public ValueTask ConnectAsync(MediaElementImpl sink, KurentoMediaType? kind)
    {
        ThrowIfOtherPipeline(sink);
        return Pipeline.RunAsync(this, sink, () =>
        {
            foreach (var type in Kinds(kind))
            {
                ConnectUnderGate(sink, type);
            }
        });
    }

    /// <summary>Stops relaying <paramref name="kind"/> (none = audio and video) to <paramref name="sink"/>; 40004 if the sink is in another pipeline.</summary>
    public ValueTask DisconnectAsync(MediaElementImpl sink, KurentoMediaType? kind)
    {
        ThrowIfOtherPipeline(sink);
        return Pipeline.RunAsync(this, sink, () =>
        {
            foreach (var type in Kinds(kind))
            {
                var connection = new ElementConnection(this, sink, type);
                if (RemoveConnectionUnderGate(connection))
                {
                    StopRelayQuietly(sink, type);
                    RaiseConnectionEvent("ElementDisconnected", sink, type);
                }
            }
        });
    }

    public ValueTask<ElementConnection[]> GetSinkConnectionsAsync(KurentoMediaType? kind) =>
        Pipeline.RunAsync(this, () => Filter(_sinks, kind));

    public ValueTask<ElementConnection[]> GetSourceConnectionsAsync(KurentoMediaType? kind) =>
        Pipeline.RunAsync(this, () => Filter(_sources, kind));

    public override ValueTask ReleaseAsync() => Pipeline.ReleaseElementAsync(this);

    internal bool TryMarkReleasedUnderGate() => TryMarkReleased();

    /// <summary>Removes every connection of this element from both ends' lists and collects them.</summary>
    internal void DetachAllUnderGate(HashSet<ElementConnection> removed)
    {
        foreach (var connection in _sinks.Concat(_sources).ToArray())
        {
            if (removed.Add(connection))
            {
                connection.Source._sinks.Remove(connection);
                connection.Sink._sources.Remove(connection);
            }
        }
    }

    internal void StopRelayQuietly(MediaElementImpl sink, KurentoMediaType kind)
    {
        try
        {
            StopRelay(sink, kind);
        }
#pragma warning disable CA1031 // Tearing down must go on for the other connections.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ElementsLog.StopRelayFailed(MediaSet.Logger, ex, Id, sink.Id);
        }
    }

    /// <summary>
    /// KMS refuses it too (MediaElementImpl::connect, CONNECT_ERROR). Both ends' connection lists are guarded by one
    /// pipeline's gate, and a session must not wire its element to another session's pipeline to tap its media.
    /// </summary>
    private void ThrowIfOtherPipeline(MediaElementImpl sink)
    {
        if (!ReferenceEquals(sink.Pipeline, Pipeline))
        {
            throw new KurentoErrorException(
                KurentoErrorCode.ConnectError, $"Media elements do not share pipeline: '{Id}' and '{sink.Id}' are in different pipelines");
        }
    }

    private void ConnectUnderGate(MediaElementImpl sink, KurentoMediaType type)
    {
        var connection = new ElementConnection(this, sink, type);
        if (_sinks.Contains(connection))
        {
            return;
        }

        foreach (var previous in sink._sources.Where(c => c.Type == type).ToArray())
        {
            previous.Source.RemoveConnectionUnderGate(previous);
            previous.Source.StopRelayQuietly(sink, type);
            previous.Source.RaiseConnectionEvent("ElementDisconnected", sink, type);
        }

        StartRelay(sink, type);
        _sinks.Add(connection);
        sink._sources.Add(connection);
        RaiseConnectionEvent("ElementConnected", sink, type);
    }

    private bool RemoveConnectionUnderGate(ElementConnection connection)
    {
        if (!connection.Source._sinks.Remove(connection))
        {
            return false;
        }

        connection.Sink._sources.Remove(connection);
        return true;
    }

    private void RaiseConnectionEvent(string type, MediaElementImpl sink, KurentoMediaType kind)
    {
        if (IsSubscribed(type))
        {
            Raise(new ElementConnectionEvent(type, NowMillis(), sink.Id, kind));
        }
    }

    private static KurentoMediaType[] Kinds(KurentoMediaType? kind) => kind is { } k ? [k] : AudioAndVideo;

    private static ElementConnection[] Filter(List<ElementConnection> list, KurentoMediaType? kind) =>
        kind is { } k ? list.Where(c => c.Type == k).ToArray() : [.. list];
}
