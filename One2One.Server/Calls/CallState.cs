namespace One2One.Server.Calls;

/// <summary>
/// A call's life: Ringing → Connecting (accepted; media being set up) → InCall (both answers sent) → Ended.
/// Any state may go straight to Ended; nothing leaves Ended.
/// </summary>
internal enum CallState
{
    Ringing,
    Connecting,
    InCall,
    Ended,
}

/// <summary>Which participant of a call.</summary>
internal enum CallSide
{
    Caller,
    Callee,
}
