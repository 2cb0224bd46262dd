using One2One.Kurento;
using One2One.Server.Media;

namespace One2One.Server.Calls;

internal sealed partial class CallService
{
    /// <summary>
    /// One call's <see cref="ICallMediaEvents"/>: what its media session reports, turned into that call's outcomes. The
    /// Media layer sees only this binding, never the <see cref="Call"/>.
    /// </summary>
    private sealed class MediaEventsOf(CallService service, Call call) : ICallMediaEvents
    {
        public bool TryDeliverAnswer(CallSide side, string sdpAnswer) => service.DeliverAnswer(call, side, sdpAnswer);

        public Task NegotiatedAsync() => service._records.WhenStoredAsync(call.Id);

        public bool TryDeliverRenegotiated(CallSide side, string sdpAnswer) => service.DeliverRenegotiated(call, side, sdpAnswer);

        public void DeliverCandidate(CallSide side, KurentoIceCandidate candidate) => service.DeliverCandidate(call, side, candidate);

        public void MediaPathLost(CallSide side, string detail) => service.OnMediaPathLost(call, side, detail);

        public void MediaPathReturned(CallSide side) => service.OnMediaPathReturned(call, side);

        public void MediaFailed(string reason, string detail) => service.OnMediaFailed(call, reason, detail);
    }
}
