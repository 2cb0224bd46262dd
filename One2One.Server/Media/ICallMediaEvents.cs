using One2One.Kurento;
using One2One.Server.Calls;

namespace One2One.Server.Media;

/// <summary>What a call's media session reports to the call: answers, media-server candidates, failures.</summary>
internal interface ICallMediaEvents
{
    /// <summary>Sends <paramref name="side"/>'s browser its SDP answer; false if the call has ended meanwhile.</summary>
    bool TryDeliverAnswer(Call call, CallSide side, string sdpAnswer);

    /// <summary>Sends <paramref name="side"/>'s browser the answer to its renegotiation; false if the call has ended meanwhile.</summary>
    bool TryDeliverRenegotiated(Call call, CallSide side, string sdpAnswer);

    /// <summary>Sends a media-server candidate to <paramref name="side"/>'s browser (only after its answer).</summary>
    void DeliverCandidate(Call call, CallSide side, KurentoIceCandidate candidate);

    /// <summary><paramref name="side"/>'s current endpoint lost its path to the browser (ICE failed): it may come back.</summary>
    void MediaPathLost(Call call, CallSide side, string detail);

    /// <summary><paramref name="side"/>'s current endpoint has a path to the browser (ICE connected, or media flowing in).</summary>
    void MediaPathReturned(Call call, CallSide side);

    /// <summary>The media failed (ICE failure, an Error event): the call must end with <paramref name="reason"/>.</summary>
    void MediaFailed(Call call, string reason, string detail);
}
