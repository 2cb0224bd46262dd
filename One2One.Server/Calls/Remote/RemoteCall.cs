using One2One.Server.Cluster;

namespace One2One.Server.Calls;

/// <summary>
/// A call homed on another node, in the call slot of a user connected here: what this user's page asks of the call is
/// forwarded to the home, one request after another (<see cref="OrderedSender"/>).
/// </summary>
internal sealed class RemoteCall(CallMember member, string peerName, INodeLink home, SiloAddress homeNode)
{
    private readonly OrderedSender _sender = new();
    private readonly TaskCompletionSource _moved = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    /// <summary>
    /// The member hung up and the home did not answer (dying, or cut off): the call is to be ended as that hang-up wherever
    /// it goes on, and never run as in progress by a node taking it over. Set once, read by any thread.
    /// </summary>
    public bool HangUpPending
    {
        get => Volatile.Read(ref _hangUpPending);
        private set => Volatile.Write(ref _hangUpPending, value);
    }

    private bool _hangUpPending;

    public void MarkHangUpPending() => HangUpPending = true;

    private int _hangUpRetries;

    private int _answersSent; // bits: 1 an accept went to the home, 2 a decline (or, after an accept, a hang-up) did

    /// <summary>
    /// True for the member's first accept, or first decline, of the ring, which goes to the home: a ring is accepted once, and
    /// declined (or, once accepted, hung up by a decline as at the home) once. Not carried over by <see cref="MovedTo"/>: a
    /// call taken over is past ringing.
    /// </summary>
    public bool TryStartAnswer(bool accept) => (Interlocked.Or(ref _answersSent, AnswerBit(accept)) & AnswerBit(accept)) == 0;

    /// <summary>The answer did not reach the home (it cannot be reached right now): the page may give it again.</summary>
    public void AnswerLost(bool accept) => Interlocked.And(ref _answersSent, ~AnswerBit(accept));

    private static int AnswerBit(bool accept) => accept ? 1 : 2;

    /// <summary>True for the first caller only (the same call moved to a new home counts as the same): it runs the call's one loop of hang-up retries.</summary>
    public bool TryStartHangUpRetries() => Interlocked.Exchange(ref _hangUpRetries, 1) == 0;

    /// <summary>
    /// The member's page has had its SDP answer (or, resuming, comes back to a call it had): a call taken over from a dead
    /// home can go on for it. A page still waiting for an answer the dead home never sent cannot (nobody else has that
    /// answer): the call ends for it instead. Set once, read by any thread.
    /// </summary>
    public bool Answered
    {
        get => Volatile.Read(ref _answered);
        private set => Volatile.Write(ref _answered, value);
    }

    private bool _answered;

    public void MarkAnswered() => Answered = true;

    /// <summary>
    /// The last batch number seen from each sender of the call's deliveries (its home's outbox, a new home's after a move,
    /// a LeftCall sent on its own), shared by the objects of one call as it moves (<see cref="MovedTo"/>). Guarded by itself.
    /// </summary>
    private Dictionary<Guid, long> _lastBatches = [];

    /// <summary>
    /// True for a batch of the home's deliveries not seen before: numbers only grow from one sender, so a batch sent again
    /// (its first attempt arrived, its answer was lost) or overtaken by later ones is refused.
    /// </summary>
    public bool TryAccept(DeliveryBatch batch)
    {
        lock (_lastBatches)
        {
            if (_lastBatches.TryGetValue(batch.Sender, out var last) && batch.Number <= last)
            {
                return false;
            }

            _lastBatches[batch.Sender] = batch.Number;
            return true;
        }
    }

    /// <summary>Completes when the call's home died and another node took the call over (its slot then holds a new <see cref="RemoteCall"/>).</summary>
    public Task Moved => _moved.Task;

    /// <summary>The same call, homed on <paramref name="newHome"/>; this one's <see cref="Moved"/> completes once the user's slot holds it.</summary>
    public RemoteCall MovedTo(INodeLink newHome, SiloAddress newHomeNode) =>
        new(member, peerName, newHome, newHomeNode)
        {
            Media = Media, HangUpPending = HangUpPending, Answered = Answered, _hangUpRetries = Volatile.Read(ref _hangUpRetries),
            _lastBatches = _lastBatches,
        };

    public void MarkMoved() => _moved.TrySetResult();

    public Task<T> SendAsync<T>(Func<INodeLink, CallMember, Task<T>> request) => _sender.Send(() => request(home, member));

    public Task SendAsync(Func<INodeLink, CallMember, Task> request) => _sender.Send(() => request(home, member));

    public override string ToString() => $"{Id} (with {peerName}, homed elsewhere)";
}

/// <summary>A call's media as another node knows it: the media server's address (as configured) and the pipeline's id.</summary>
internal sealed record CallMediaRecord(string MediaServer, string PipelineId);
