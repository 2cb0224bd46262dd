namespace One2One.LoadTest.Signaling;

/// <summary>The server closed the hub connection (a close frame, or the socket went away).</summary>
internal sealed class HubClosedException(string? error)
    : Exception(error is null ? "The server closed the hub connection." : $"The server closed the hub connection: {error}");
