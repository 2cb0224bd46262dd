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

    /// <summary>Where the call's media is, once the home has reserved it (set by the link, read when the home dies).</summary>
    public CallMediaRecord? Media
    {
        get => Volatile.Read(ref _media);
        set => Volatile.Write(ref _media, value);
    }

    private CallMediaRecord? _media;

    public Task<T> SendAsync<T>(Func<INodeLink, CallMember, Task<T>> request) => _sender.Send(() => request(home, member));

    public Task SendAsync(Func<INodeLink, CallMember, Task> request) => _sender.Send(() => request(home, member));

    public override string ToString() => $"{Id} (with {peerName}, homed elsewhere)";
}

/// <summary>A call's media as another node knows it: the media server's address (as configured) and the pipeline's id.</summary>
internal sealed record CallMediaRecord(string MediaServer, string PipelineId);
