namespace One2One.Server.Calls;

/// <summary>
/// The outbox of a registration taken over from a node that died with its page's connection: nothing reaches the page
/// until it resumes here, with an outbox of its own.
/// </summary>
internal sealed class NoOutbox : IUserOutbox
{
    public static NoOutbox Instance { get; } = new();

    public void Start()
    {
    }

    public bool Post(Func<Contracts.IOne2OneClient, Task> send) => false;

    public void Close()
    {
    }
}
