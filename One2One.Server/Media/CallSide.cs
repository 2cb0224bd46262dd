namespace One2One.Server.Media;

/// <summary>Which participant of a call: each has its own leg (endpoint, candidates) in the call's media session.</summary>
internal enum CallSide
{
    Caller,
    Callee,
}
