using One2One.Server.Contracts;

namespace One2One.Server.Calls;

/// <summary>
/// Every message to one user's browser, in the order posted: the call layer's way out to a page. The signaling layer
/// implements it over its connection (bounded; a browser that lets it fill is disconnected).
/// </summary>
internal interface IUserOutbox
{
    /// <summary>Starts sending. Until then messages are only queued, so a registration can queue its acceptance first
    /// and still withdraw it if the name turns out to be taken.</summary>
    void Start();

    /// <summary>Queues a message; false once the connection has gone or the outbox overflowed.</summary>
    bool Post(Func<IOne2OneClient, Task> send);

    /// <summary>Nothing more is sent (what is queued still may be).</summary>
    void Close();
}
