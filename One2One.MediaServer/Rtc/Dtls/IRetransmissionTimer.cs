namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// The retransmission timer of RFC 6347 §4.2.4, as the state machine sees it: armed when a flight goes out that
/// expects an answer, disarmed when the answer arrives. The session implements it on its <see cref="TimeProvider"/>
/// and calls back into the state machine under its lock when it expires.
/// </summary>
internal interface IRetransmissionTimer
{
    void Arm(TimeSpan timeout);

    void Disarm();
}
