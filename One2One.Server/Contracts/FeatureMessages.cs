namespace One2One.Server.Contracts;

/// <summary>Whether a side of a call sends its microphone and its camera (a muted track still flows, as silence or black).</summary>
public sealed record MediaState(bool Audio, bool Video);

/// <summary>
/// The names registered when this page registered (itself excluded), at most Presence:MaxListed of them;
/// <see cref="Truncated"/> says more are online than the list holds. PresenceChanged keeps it current.
/// </summary>
public sealed record OnlineUserList(IReadOnlyList<string> Names, bool Truncated);

/// <summary>A name came online (registered) or went offline (its connection closed).</summary>
public sealed record PresenceChange(string Name, bool Online);
