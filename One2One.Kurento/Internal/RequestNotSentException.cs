namespace One2One.Kurento.Internal;

/// <summary>
/// A request whose connection closed before a byte of it was written: the media server never saw it, so it may be sent on
/// another connection. It never reaches the application: the client re-sends the request instead.
/// </summary>
internal sealed class RequestNotSentException(string message) : Exception(message);
