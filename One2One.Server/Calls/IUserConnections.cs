using One2One.Server.Limits;

namespace One2One.Server.Calls;

/// <summary>
/// The browsers' connections as the call layer sees them, by connection id: where one comes from, an outbox to it, and
/// a way to close it. Implemented by the signaling layer; any thread.
/// </summary>
internal interface IUserConnections
{
    /// <summary>The connection's client address (<see cref="ClientAddress.Unknown"/> once it has closed).</summary>
    ClientAddress AddressOf(string connectionId);

    /// <summary>A new outbox to the connection.</summary>
    IUserOutbox OpenOutbox(string connectionId);

    /// <summary>Closes the connection, logging <paramref name="reason"/>; nothing if it is already closed.</summary>
    void Abort(string connectionId, string reason);
}
