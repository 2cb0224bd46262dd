using One2One.Server.Contracts;

namespace One2One.Server.Calls;

/// <summary>
/// A request refused: the person gets <see cref="Exception.Message"/> and <see cref="Reason"/> (one of
/// <see cref="HubRejection"/>'s codes, or a <see cref="Reasons"/> value), and <see cref="Reason"/> names the refusal for
/// the metrics (<c>one2one.hub.rejected</c>). Made by <see cref="Rejections.Invocation"/>, which counts it; the
/// signaling layer decides how it reaches the client.
/// </summary>
internal sealed class Refusal(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
