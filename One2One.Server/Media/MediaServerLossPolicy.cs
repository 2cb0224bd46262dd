namespace One2One.Server.Media;

/// <summary>
/// How long a media server may stay unreachable while it holds calls before <see cref="MediaServerPool"/> reports it
/// lost. The host supplies it (from <c>Calls:MediaServerLostAfter</c>), read anew each time, so a reloaded setting applies.
/// </summary>
internal sealed class MediaServerLossPolicy(Func<TimeSpan> lostAfter)
{
    public TimeSpan LostAfter => lostAfter();
}
