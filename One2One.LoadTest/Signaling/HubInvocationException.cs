namespace One2One.LoadTest.Signaling;

/// <summary>The server failed an invocation (a <c>HubException</c> on its side).</summary>
internal sealed class HubInvocationException(string error) : Exception(error);
