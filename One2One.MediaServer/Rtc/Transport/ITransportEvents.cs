using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Ice;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// What a <see cref="WebRtcTransport"/> hands up. Packet callbacks run on the worker (or ICE-TCP connection) that
/// received the datagram, under the transport's receive gate, with a decrypted packet at the start of
/// <c>buffer</c> (which has room after it to re-protect in place) and that receiver's <see cref="PacketContext"/>;
/// both are only valid during the call. State callbacks come from the same place or from the DTLS handshake,
/// and must only enqueue.
/// </summary>
internal interface ITransportEvents
{
    void OnRtp(Span<byte> buffer, int length, PacketContext context);

    void OnRtcp(Span<byte> buffer, int length, PacketContext context);

    /// <summary>
    /// A check the transport answered; on the receiving worker after the receive gate is let go (the endpoint may take its
    /// own lock here, and holds it while it restarts ICE on the transport). <paramref name="agent"/> is the agent that
    /// answered it: a restart can replace it before this is reported, and then the result is not the current agent's.
    /// </summary>
    void OnIceCheck(IceLiteAgent agent, IceCheckResult result);

    void OnDtlsStateChanged(DtlsConnectionState state, string? reason);

    /// <summary>SRTP keys are in place: media can flow both ways.</summary>
    void OnSecured();
}
