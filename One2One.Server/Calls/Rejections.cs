using One2One.Server.Contracts;
using One2One.Server.Observability;

namespace One2One.Server.Calls;

/// <summary>
/// Every refusal of a browser's request is made here, in one of its three shapes: a rejected RegisterResponse, a
/// rejected CallResponse, or a <see cref="Refusal"/> that fails the invocation. <see cref="Rejected"/> sees each
/// one with its reason, so refusals are logged and counted (<c>one2one.hub.rejected</c>) in one place.
/// </summary>
/// <remarks>Stateless; any thread.</remarks>
internal sealed class Rejections(One2OneMetrics metrics, ILogger<Rejections> logger)
{
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
    public Refusal Invocation(string message, string reason = HubRejection.InvalidRequest)
    {
        Rejected(reason);
        return new Refusal(reason, message);
    }

    /// <summary>Counts a refusal made outside this class (a failure of the invocation raised by other code).</summary>
    public void Counted(string reason) => Rejected(reason);

    private void Rejected(string reason)
    {
        metrics.Rejected(reason);
        CallsLog.Rejected(logger, reason);
    }
}
