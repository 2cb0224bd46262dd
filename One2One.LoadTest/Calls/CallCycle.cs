namespace One2One.LoadTest.Calls;

/// <summary>
/// One call placed, answered and hung up. <see cref="Release"/> completes with hang-up → both endpoints gone
/// (their ICE agents stopped answering) in milliseconds, or null when they could not be checked (a media server this
/// machine cannot reach).
/// </summary>
internal sealed record CallCycle(double SetupMilliseconds, double HangUpMilliseconds, Task<double?> Release);
