using One2One.Kurento;
using One2One.Server.Calls;

namespace One2One.Server.Media;

/// <summary>
/// What a call's media session reports to its call: answers, media-server candidates, failures. One instance per call,
/// bound to it by the Calls layer, so the media session never holds the call that created it.
/// </summary>
internal interface ICallMediaEvents
{
    /// <summary>
    /// Both offers are answered and the pages are about to hear: completes once the call's record (what another node needs
    /// to take it over should this one die) is stored. Bounded, never faulted: a failure is the call's to log.
    /// </summary>
    Task NegotiatedAsync();

    /// <summary>Sends <paramref name="side"/>'s browser its SDP answer; false if the call has ended meanwhile.</summary>
    bool TryDeliverAnswer(CallSide side, string sdpAnswer);

    /// <summary>Sends <paramref name="side"/>'s browser the answer to its renegotiation; false if the call has ended meanwhile.</summary>
    bool TryDeliverRenegotiated(CallSide side, string sdpAnswer);

    /// <summary>Sends a media-server candidate to <paramref name="side"/>'s browser (only after its answer).</summary>
    void DeliverCandidate(CallSide side, KurentoIceCandidate candidate);

    /// <summary><paramref name="side"/>'s current endpoint lost its path to the browser (ICE failed): it may come back.</summary>
    void MediaPathLost(CallSide side, string detail);

    /// <summary><paramref name="side"/>'s current endpoint has a path to the browser (ICE connected, or media flowing in).</summary>
    void MediaPathReturned(CallSide side);

    /// <summary>The media failed (ICE failure, an Error event): the call must end with <paramref name="reason"/>.</summary>
    void MediaFailed(string reason, string detail);
}
