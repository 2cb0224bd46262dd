using One2One.Server.Signaling;

namespace One2One.Server.Calls;

/// <summary>
/// A registered name bound to one SignalR connection. Its call slot is claimed with a compare-and-swap,
/// so a user is in at most one call and "busy" is decided atomically.
/// </summary>
internal sealed class User(string name, string connectionId, ClientOutbox outbox)
{
    private Call? _call;
    private volatile bool _gone;

    public string Name { get; } = name;

    public string ConnectionId { get; } = connectionId;

    /// <summary>Every message to this user's browser, in order.</summary>
    public ClientOutbox Outbox { get; } = outbox;

    /// <summary>The call this user is ringing in or taking part in, if any.</summary>
    public Call? CurrentCall => Volatile.Read(ref _call);

    /// <summary>True once the connection has closed; a gone user never joins a call again.</summary>
    public bool IsGone => _gone;

    public bool TryJoin(Call call) => !_gone && Interlocked.CompareExchange(ref _call, call, null) is null;

    public void Leave(Call call) => Interlocked.CompareExchange(ref _call, null, call);

    public void MarkGone()
    {
        _gone = true;
        Outbox.Close();
    }

    public override string ToString() => Name;
}
