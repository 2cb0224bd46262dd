namespace One2One.Server.Contracts;

/// <summary>The peer named <see cref="Peer"/> lost its media path and is reconnecting; the call has not ended.</summary>
public sealed record PeerReconnecting(string Peer);

/// <summary>The peer named <see cref="Peer"/> has a media path again.</summary>
public sealed record PeerReconnected(string Peer);
