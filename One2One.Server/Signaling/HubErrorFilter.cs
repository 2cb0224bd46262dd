using Microsoft.AspNetCore.SignalR;
using One2One.Server.Calls;
using One2One.Server.Contracts;

namespace One2One.Server.Signaling;

/// <summary>
/// Keeps refusals out of the error log. SignalR logs every exception a hub method throws at Error with a stack trace
/// (DefaultHubDispatcher), refusals included, so one client repeating a bad request would fill the log; that category is
/// silenced (<see cref="QuietDispatcherCategory"/>) and this filter logs only what is not a refusal: a bug. It is also
/// where the call layer's <see cref="Refusal"/> becomes SignalR's <see cref="HubException"/> (the call layer knows no
/// SignalR). Refusals are counted where they are made (<see cref="Rejections"/>); a <see cref="HubException"/> thrown
/// elsewhere is counted here as <c>invalid-request</c>.
/// </summary>
/// <remarks>Stateless; any thread.</remarks>
internal sealed class HubErrorFilter(Rejections rejections, ILogger<HubErrorFilter> logger) : IHubFilter
{
    /// <summary>The log category whose Error lines this filter replaces.</summary>
    public const string QuietDispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        catch (Refusal rejection)
        {
            // Counted where it was made. It leaves as a plain HubException (SignalR names the exception's type on the
            // wire), its message prefixed with the reason code so clients can tell refusals apart (WireMessage).
            throw new HubException(HubRejection.WireMessage(rejection.Reason, rejection.Message));
        }
        catch (HubException ex)
        {
            rejections.Counted(HubRejection.InvalidRequest);
            throw new HubException(HubRejection.WireMessage(HubRejection.InvalidRequest, ex.Message));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SignalingLog.InvocationFailed(logger, invocationContext.HubMethodName, invocationContext.Context.ConnectionId, ex);
            throw;
        }
    }
}
