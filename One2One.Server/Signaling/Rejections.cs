using Microsoft.AspNetCore.SignalR;
using One2One.Server.Calls;

namespace One2One.Server.Signaling;

/// <summary>
/// Every refusal of a browser's request is made here, in one of its three shapes: a rejected RegisterResponse, a
/// rejected CallResponse, or a <see cref="HubException"/> that fails the invocation. <see cref="Rejected"/> sees each
/// one with its reason, so refusals are logged, and can be counted, in one place.
/// </summary>
/// <remarks>Stateless; any thread.</remarks>
internal sealed class Rejections(ILogger<Rejections> logger)
{
    /// <summary>The reason recorded for a HubException that is not a limit: a request malformed or out of place.</summary>
    public const string InvalidRequest = "invalid-request";

    /// <summary>The rejection the hub sends back for a Register.</summary>
    public RegisterResponse Registration(string reason, string message)
    {
        Rejected(reason);
        return new RegisterResponse(Responses.Rejected, message, reason);
    }

    /// <summary>Refuses a call as it is placed: the caller is told in order with everything else it receives.</summary>
    public void Call(User caller, string reason, string message)
    {
        Rejected(reason);
        caller.Outbox.Post(c => c.CallResponse(new CallResponse(Responses.Rejected, null, message, reason)));
    }

    /// <summary>The exception to throw to fail the invocation, its message shown to the person.</summary>
    public HubException Invocation(string message, string reason = InvalidRequest)
    {
        Rejected(reason);
        return new HubException(message);
    }

    private void Rejected(string reason) => SignalingLog.Rejected(logger, reason);
}
