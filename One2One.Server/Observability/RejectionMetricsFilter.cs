using Microsoft.AspNetCore.SignalR;
using One2One.Server.Signaling;

namespace One2One.Server.Observability;

/// <summary>Counts every invocation the hub refuses by throwing (a <see cref="HubRejection"/>'s reason, else <c>invalid-request</c>).</summary>
internal sealed class RejectionMetricsFilter(One2OneMetrics metrics) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        catch (HubException e)
        {
            metrics.Rejected(e is HubRejection rejection ? rejection.Reason : HubRejection.InvalidRequest);
            throw;
        }
    }
}
