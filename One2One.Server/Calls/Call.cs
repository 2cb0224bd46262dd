using One2One.Server.Media;
using One2One.Server.Observability;

namespace One2One.Server.Calls;

/// <summary>
/// One call and its state machine. Transitions are serialized by <see cref="_gate"/>, held only for the
/// transition itself (never across an await); whoever wins a transition performs its side effects.
/// Messages posted to the participants while holding the gate land in their outboxes in transition order.
/// </summary>
internal sealed class Call
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _ended = new();
    private CallState _state = CallState.Placing;
    private ITimer? _ringingTimer;
    private readonly ReconnectingSides _reconnecting = new();
    private bool _callerAnswered;

    /// <param name="id">The call's id when it was chosen before the call was made (<see cref="NewId"/>).</param>
    public Call(User caller, User callee, string callerOffer, Func<Call, CallMediaSession> createMedia, string? id = null)
    {
        Id = id ?? NewId();
        Caller = caller;
        Callee = callee;
        CallerOffer = callerOffer;
        Trace = new CallTrace(Id);
        Media = createMedia(this);
    }

    public string Id { get; }

    public static string NewId() => Guid.NewGuid().ToString("N")[..12];

    public User Caller { get; }

    public User Callee { get; }

    public string CallerOffer { get; }

    /// <summary>The call's activity and log scope (started once the call rings).</summary>
    public CallTrace Trace { get; }

    /// <summary>The call's media; exists from the start so the caller's early candidates are queued.</summary>
    public CallMediaSession Media { get; }

    /// <summary>Cancelled when the call ends: work for the call (media set-up) stops.</summary>
    public CancellationToken EndedToken => _ended.Token;

    /// <summary>0 while not yet counted as active, 1 once counted, 2 once its end was (see <see cref="TryCountActive"/>).</summary>
    private int _counted;

    /// <summary>
    /// True for the one caller that counts the call as active (it rings, or was taken over here); false when the call ended
    /// before anyone did (a caller who cancelled while the callee's node was asked): its end then counts nothing.
    /// </summary>
    public bool TryCountActive() => Interlocked.CompareExchange(ref _counted, 1, 0) == 0;

    /// <summary>True, once, when the call's end is to be counted: it was counted as active. Later counts find it ended.</summary>
    public bool TryCountEnded() => Interlocked.Exchange(ref _counted, 2) == 1;

    public CallState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public User Peer(User user) => ReferenceEquals(user, Caller) ? Callee : Caller;

    public CallSide SideOf(User user) => ReferenceEquals(user, Caller) ? CallSide.Caller : CallSide.Callee;

    public User Participant(CallSide side) => side == CallSide.Caller ? Caller : Callee;

    /// <summary>When the callee's phone started ringing (<see cref="TimeProvider.GetTimestamp"/>); 0 before.</summary>
    public long RingingSince { get; private set; }

    /// <summary>How long the phone rings before the call ends unanswered, as it was when it started ringing (the setting may change meanwhile).</summary>
    public TimeSpan RingingTimeout { get; private set; }

    /// <summary>
    /// Placing → Ringing, once the call's media is reserved: runs <paramref name="alertCallee"/> under the gate (so the
    /// prompt is posted before any end) and starts the ringing timeout; <paramref name="onTimeout"/> runs on a timer
    /// thread if nobody answers. False if the call ended meanwhile: the callee is never alerted.
    /// </summary>
    public bool TryStartRinging(Action alertCallee, TimeProvider time, TimeSpan timeout, Action<Call> onTimeout)
    {
        lock (_gate)
        {
            if (_state != CallState.Placing)
            {
                return false;
            }

            // The timer first: a callee who sees the prompt (and a test that then moves the clock) finds it running.
            _state = CallState.Ringing;
            RingingSince = time.GetTimestamp();
            RingingTimeout = timeout;
            _ringingTimer = time.CreateTimer(static s => ((Action)s!)(), (Action)(() => onTimeout(this)), timeout, Timeout.InfiniteTimeSpan);
            alertCallee();
            return true;
        }
    }

    /// <summary>Ringing → Connecting, when the callee accepts.</summary>
    public bool TryAccept()
    {
        lock (_gate)
        {
            if (_state != CallState.Ringing)
            {
                return false;
            }

            _state = CallState.Connecting;
            StopRingingTimer();
            return true;
        }
    }

    /// <summary>
    /// Runs <paramref name="deliver"/> under the gate if the call has not ended, so an answer is never
    /// posted after the call's end was posted. For the caller's answer this also records that the caller
    /// now holds one (from then on it is told of an end by StopCommunication, not by a rejected CallResponse).
    /// </summary>
    public bool TryDeliverAnswer(CallSide side, Action deliver)
    {
        lock (_gate)
        {
            if (_state is not (CallState.Connecting or CallState.InCall))
            {
                return false;
            }

            deliver();
            if (side == CallSide.Caller)
            {
                _callerAnswered = true;
            }

            return true;
        }
    }

    /// <summary>Runs <paramref name="post"/> under the gate unless the call has ended.</summary>
    public bool TryPostWhileLive(Action post)
    {
        lock (_gate)
        {
            if (_state == CallState.Ended)
            {
                return false;
            }

            post();
            return true;
        }
    }

    /// <summary>Connecting → InCall, once both browsers have their answers.</summary>
    public bool TryMarkInCall()
    {
        lock (_gate)
        {
            if (_state != CallState.Connecting)
            {
                return false;
            }

            _state = CallState.InCall;
            return true;
        }
    }

    /// <summary>
    /// Placing → InCall for a call in progress that another node ran until it died (this node takes it over from its
    /// record): both pages hold their answers already.
    /// </summary>
    public bool TryRestoreInCall()
    {
        lock (_gate)
        {
            if (_state != CallState.Placing)
            {
                return false;
            }

            _state = CallState.InCall;
            _callerAnswered = true;
            return true;
        }
    }

    /// <summary>
    /// <paramref name="side"/> lost its media path (or its page) during the call: unless it is already reconnecting, starts
    /// its window (<paramref name="onExpired"/> runs on a timer thread when it closes, with the window it closed) and runs
    /// <paramref name="notifyPeer"/> under the gate. With <paramref name="extend"/>, a side already reconnecting gets the
    /// new window if that one ends later (the page went away while its path was already lost). False when the call is not
    /// in progress (a path lost while setting up fails the set-up).
    /// </summary>
    public bool TryBeginReconnect(CallSide side, TimeProvider time, TimeSpan window, Action<Call, CallSide, object> onExpired, Action notifyPeer, bool extend = false)
    {
        lock (_gate)
        {
            if (_state != CallState.InCall)
            {
                return false;
            }

            if (_reconnecting.Begin(side, time, window, extend,
                w => time.CreateTimer(_ => onExpired(this, side, w), null, window, Timeout.InfiniteTimeSpan)))
            {
                notifyPeer();
            }

            return true;
        }
    }

    /// <summary><paramref name="side"/>'s path is back: stops its window and runs <paramref name="notifyPeer"/> under the gate, if it was reconnecting.</summary>
    public bool TryEndReconnect(CallSide side, Action notifyPeer)
    {
        lock (_gate)
        {
            if (_state == CallState.Ended || !_reconnecting.Remove(side))
            {
                return false;
            }

            notifyPeer();
            return true;
        }
    }

    /// <summary>
    /// Runs <paramref name="notify"/> under the gate if the call is in progress and <paramref name="side"/> is reconnecting:
    /// a page that resumed into the call missed the PeerReconnecting sent while it was away itself. Under the gate, so the
    /// side's return (<see cref="TryEndReconnect"/>) is told after it, never before.
    /// </summary>
    public void IfReconnecting(CallSide side, Action notify)
    {
        lock (_gate)
        {
            if (_state == CallState.InCall && _reconnecting.Contains(side))
            {
                notify();
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="side"/> is still waiting in <paramref name="window"/> (a window that closed just as the side
    /// returned, or that a longer one replaced, must not end the call).
    /// </summary>
    public bool IsReconnecting(CallSide side, object window)
    {
        lock (_gate)
        {
            return _reconnecting.IsCurrent(side, window);
        }
    }

    /// <summary>
    /// Any state → Ended, exactly once (only from Ringing when <paramref name="onlyIfRinging"/>). <paramref name="notify"/>
    /// runs under the gate with the state the call was in and whether the caller held an answer, so the end is posted
    /// after anything posted before it.
    /// </summary>
    public bool TryEnd(Action<CallState, bool> notify, bool onlyIfRinging = false)
    {
        lock (_gate)
        {
            // A ringing timeout that fired just as the call was accepted must not end the accepted call.
            if (_state == CallState.Ended || (onlyIfRinging && _state != CallState.Ringing))
            {
                return false;
            }

            var previous = _state;
            _state = CallState.Ended;
            StopRingingTimer();
            _reconnecting.Clear();
            notify(previous, _callerAnswered);
        }

        _ended.Cancel();
        return true;
    }

    private void StopRingingTimer()
    {
        _ringingTimer?.Dispose();
        _ringingTimer = null;
    }

    public override string ToString() => $"{Id} ({Caller.Name} → {Callee.Name})";
}
