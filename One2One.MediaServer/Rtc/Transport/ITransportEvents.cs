using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Ice;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// What a <see cref="WebRtcTransport"/> hands up. Packet callbacks run on the transport's receive loop with a
/// decrypted packet at the start of <c>buffer</c> (which has room after it to re-protect in place) and a scratch
/// buffer owned by that loop; both are only valid during the call.
/// State callbacks come from the receive loop or the DTLS handshake's thread, and must only enqueue.
/// </summary>
internal interface ITransportEvents
{
    void OnRtp(Span<byte> buffer, int length, Span<byte> scratch);

    void OnRtcp(Span<byte> buffer, int length, Span<byte> scratch);

    void OnIceCheck(IceCheckResult result);

    void OnDtlsStateChanged(DtlsConnectionState state, string? reason);

    /// <summary>SRTP keys are in place: media can flow both ways.</summary>
    void OnSecured();
}
