using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Elements;

/// <summary>
/// Kurento's MediaPipeline: holds elements and releases them with itself.
/// <see cref="_gate"/> is the pipeline's lock: it guards the element graph (the children list, every child's
/// connections, released flags) and serializes every call into the children's <see cref="IWebRtcSession"/>s,
/// so a release can never interleave with a connect or a processOffer. It is only taken by protocol requests and
/// the session collector, never by media threads (the observer path takes no lock), so holding it across a call
/// into the media machinery cannot deadlock with an event.
/// </summary>
internal sealed class MediaPipelineImpl : MediaObjectImpl
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<MediaElementImpl> _children = [];

    public MediaPipelineImpl(string id, MediaSet mediaSet, IMediaObjectOwner? owner)
        : base(id, MediaObjectType.MediaPipeline, mediaSet, parent: null, owner)
    {
    }

    /// <summary>A snapshot; exact only under the gate.</summary>
    public override IReadOnlyList<MediaObjectImpl> Children
    {
        get
        {
            lock (_children)
            {
                return [.. _children];
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> under the gate once every target is known to be live (else 40101).</summary>
    public async ValueTask<T> RunAsync<T>(MediaObjectImpl target, MediaObjectImpl? other, Func<T> action)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfReleased(target);
            if (other is not null)
            {
                ThrowIfReleased(other);
            }

            return action();
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask<T> RunAsync<T>(MediaObjectImpl target, Func<T> action) => RunAsync(target, null, action);

    public async ValueTask RunAsync(MediaObjectImpl target, MediaObjectImpl? other, Action action) =>
        await RunAsync(target, other, () =>
        {
            action();
            return true;
        }).ConfigureAwait(false);

    /// <summary>Creates an element inside the pipeline (40101 if the pipeline is released meanwhile).</summary>
    public ValueTask<TElement> AddChildAsync<TElement>(Func<TElement> create)
        where TElement : MediaElementImpl =>
        RunAsync(this, () =>
        {
            var element = create();
            lock (_children)
            {
                _children.Add(element);
            }

            MediaSet.Add(element);
            return element;
        });

    /// <summary>Releases the pipeline and every element in it; 40101 if already released.</summary>
    public override async ValueTask ReleaseAsync()
    {
        MediaElementImpl[] children;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!TryMarkReleased())
            {
                throw NotFound();
            }

            lock (_children)
            {
                children = [.. _children];
                _children.Clear();
            }

            await ReleaseElementsUnderGateAsync(children).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        MediaSet.Remove(this);
        NotifyHoldersReleased();
    }

    /// <summary>Releases one element of this pipeline; 40101 if it is already released.</summary>
    public async ValueTask ReleaseElementAsync(MediaElementImpl element)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfReleased(element);
            lock (_children)
            {
                _children.Remove(element);
            }

            await ReleaseElementsUnderGateAsync([element]).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask ReleaseElementsUnderGateAsync(MediaElementImpl[] elements)
    {
        var released = new List<MediaElementImpl>(elements.Length);
        foreach (var element in elements)
        {
            if (element.TryMarkReleasedUnderGate())
            {
                released.Add(element);
            }
        }

        // Stop every relay that touches a released element before any media session goes away.
        var connections = new HashSet<ElementConnection>();
        foreach (var element in released)
        {
            element.DetachAllUnderGate(connections);
        }

        foreach (var connection in connections)
        {
            connection.Source.StopRelayQuietly(connection.Sink, connection.Type);
        }

        foreach (var element in released)
        {
            await element.DisposeMediaAsync().ConfigureAwait(false);
            MediaSet.Remove(element);
            element.NotifyHoldersReleased();
        }
    }

    private static void ThrowIfReleased(MediaObjectImpl target)
    {
        if (target.IsReleased)
        {
            throw target.NotFound();
        }
    }
}
