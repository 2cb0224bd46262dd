using One2One.Server.Cluster;

namespace One2One.Server.Calls;

/// <summary>
/// A call homed on another node, in the call slot of a user connected here: what this user's page asks of the call is
/// forwarded to the home, one request after another (<see cref="OrderedSender"/>).
/// </summary>
internal sealed class RemoteCall(CallMember member, string peerName, INodeLink home, SiloAddress homeNode)
{
    private readonly OrderedSender _sender = new();

    public string Id => member.CallId;

    public CallMember Member => member;

    /// <summary>The other participant's name (the caller: a call lives on its caller's node).</summary>
    public string PeerName => peerName;

    /// <summary>The call's home, as other nodes reach it.</summary>
    public INodeLink Home => home;

    /// <summary>The node the call lives on.</summary>
    public SiloAddress HomeNode => homeNode;

    /// <summary>The call's media (media server address, pipeline id), once the home has reserved it; read and written whole.</summary>
    public (string MediaServer, string PipelineId)? Media
    {
        get => Volatile.Read(ref _media) is { } media ? (media.Server, media.Pipeline) : null;
        set => Volatile.Write(ref _media, value is { } media ? new MediaRecord(media.MediaServer, media.PipelineId) : null);
    }

    private MediaRecord? _media;

    private sealed record MediaRecord(string Server, string Pipeline);

    public Task<T> SendAsync<T>(Func<INodeLink, CallMember, Task<T>> request) => _sender.Send(() => request(home, member));

    public Task SendAsync(Func<INodeLink, CallMember, Task> request) => _sender.Send(() => request(home, member));

    public override string ToString() => $"{Id} (with {peerName}, homed elsewhere)";
}
