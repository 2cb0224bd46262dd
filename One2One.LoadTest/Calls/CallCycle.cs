namespace One2One.LoadTest.Calls;

/// <summary>
/// One call placed, answered and hung up. <see cref="Release"/> completes with hang-up → both endpoint sockets
/// closed in milliseconds, or null when the pipeline's sockets could not be watched (a media server elsewhere).
/// </summary>
internal sealed record CallCycle(double SetupMilliseconds, double HangUpMilliseconds, Task<double?> Release);
