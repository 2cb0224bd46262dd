namespace One2One.Server.Contracts;

/// <summary>
/// The callbacks the server makes to a browser, named after the Kurento one2one tutorial's messages.
/// Each carries one payload record; SignalR's JSON protocol sends them camelCased.
/// </summary>
public interface IOne2OneClient
{
    Task RegisterResponse(RegisterResponse response);

    Task CallResponse(CallResponse response);

    Task IncomingCall(IncomingCall call);

    Task StartCommunication(StartCommunication communication);

    Task StopCommunication(StopCommunication communication);

    Task IceCandidate(IceCandidate candidate);

    /// <summary>The answer to a <c>Renegotiate</c> offer, from the page's new endpoint; its candidates follow as IceCandidate.</summary>
    Task Renegotiated(Renegotiated renegotiated);

    /// <summary>The peer's media path was lost; the call goes on while the peer's page reconnects (Calls:MediaReconnectWindow).</summary>
    Task PeerReconnecting(PeerReconnecting reconnecting);

    /// <summary>The peer's media path is back (the media server saw its ICE connect or its media flow again).</summary>
    Task PeerReconnected(PeerReconnected reconnected);

    /// <summary>The peer of the call in progress muted or unmuted its microphone or camera (hub method SetMediaState).</summary>
    Task PeerMediaState(MediaState state);

    /// <summary>Who else is online, sent once after an accepted Register (only with Presence:Enabled).</summary>
    Task OnlineUsers(OnlineUserList users);

    /// <summary>A name joined or left since the OnlineUsers snapshot (only with Presence:Enabled).</summary>
    Task PresenceChanged(PresenceChange change);
}
