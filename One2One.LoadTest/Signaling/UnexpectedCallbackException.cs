namespace One2One.LoadTest.Signaling;

/// <summary>The server sent another callback than the one the call was waiting for (a rejection, an ended call).</summary>
internal sealed class UnexpectedCallbackException(string expected, HubMessage received)
    : Exception($"Expected {expected}, got {received.Target}: {received.GetString("reason") ?? received.GetString("message") ?? received.Argument.ToString()}")
{
    public HubMessage Received { get; } = received;
}
