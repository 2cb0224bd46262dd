namespace One2One.MediaServer.Rtc.Transport.Tcp;

/// <summary>Limits of the ICE-TCP port.</summary>
internal sealed record IceTcpOptions
{
    /// <summary>A connection must pass a check within this (on the server's clock), or it is closed.</summary>
    public TimeSpan FirstCheckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Framed bytes kept per connection when the kernel's send buffer is full; more is dropped.</summary>
    public int SendBacklogBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// A connection whose queued bytes the kernel takes none of for this long (on the server's clock) is closed: its
    /// browser stopped reading, and would otherwise hold <see cref="SendBacklogBytes"/> for as long as it keeps checking.
    /// Shorter than consent's 30 s, which a browser that receives nothing loses on its side anyway.
    /// </summary>
    public TimeSpan SendStallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Connections open at once. One more closes the connection that has waited longest for its first check, or, when
    /// every open one passed its check, is refused (closed at once).
    /// </summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>
    /// Connections from one address still waiting for their first check; more are refused. A browser sends its check as it
    /// connects, so a few at a time are plenty even for an office behind one address, and one address that opens
    /// connections and sends nothing cannot hold every one of <see cref="MaxConnections"/> for the timeout.
    /// </summary>
    public int MaxUncheckedPerAddress { get; init; } = 64;
}
