using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Limits;
using One2One.Server.Signaling;

namespace One2One.Server.MediaStates;

/// <summary>
/// Passes a side's mute state (hub method SetMediaState) to the peer of its call as PeerMediaState. Only while the call
/// is connecting or in progress: a ringing callee has no media to mute, and an ended call has no peer to tell. Each
/// change spends from the connection's and its address's <see cref="LimitedRequest.MediaState"/> budget.
/// </summary>
/// <remarks>
/// Keeps no state of its own: the state lives in the pages (the SDK sends its current one when a call connects). This
/// asks the limits; the call, wherever it lives, passes it on (<see cref="CallService.RelayMediaStateAsync"/>).
/// </remarks>
internal sealed class MediaStateRelay(CallService calls, ClientLimits limits, ClientConnections connections, Rejections rejections)
{
    public Task SetAsync(User user, MediaState? state)
    {
        var address = connections.Find(user.ConnectionId)?.Address ?? ClientAddress.Unknown;
        if (!limits.TryRequest(LimitedRequest.MediaState, user.ConnectionId, address, out var refusal))
        {
            throw rejections.Invocation(refusal, Reasons.RateLimited);
        }

        if (state is null)
        {
            throw rejections.Invocation("The media state needs audio and video (true when sent).", HubRejection.InvalidRequest);
        }

        return calls.RelayMediaStateAsync(user, state);
    }
}
