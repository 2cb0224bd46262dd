namespace One2One.Server.Calls;

/// <summary>
/// A call's life: Placing (its media being reserved; the callee not told yet) → Ringing → Connecting (accepted; media
/// being negotiated) → InCall (both answers sent) → Ended. Any state may go straight to Ended; nothing leaves Ended.
/// </summary>
internal enum CallState
{
    Placing,
    Ringing,
    Connecting,
    InCall,
    Ended,
}
