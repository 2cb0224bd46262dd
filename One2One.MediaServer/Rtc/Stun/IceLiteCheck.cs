using System.Net;

namespace One2One.MediaServer.Rtc.Stun;

/// <summary>What an ICE-lite agent does with a STUN message; the error values are the ERROR-CODE to answer with.</summary>
internal enum IceCheckOutcome
{
    /// <summary>An authenticated Binding request: answer with a success response.</summary>
    Accept = 0,

    /// <summary>Not answered: a FINGERPRINT that does not match (not STUN, RFC 5389 §7.3), an indication or a response.</summary>
    Discard = 1,

    /// <summary>USERNAME or MESSAGE-INTEGRITY missing, or a method other than Binding.</summary>
    BadRequest = StunErrorCode.BadRequest,

    /// <summary>USERNAME not for our ufrag, or MESSAGE-INTEGRITY not under our password.</summary>
    Unauthorized = StunErrorCode.Unauthorized,

    /// <summary>The peer claims the controlled role too; a lite agent is always controlled (RFC 8445 §6.1.1).</summary>
    RoleConflict = StunErrorCode.RoleConflict,
}

/// <summary>The checks an ICE-lite agent makes on a connectivity check it receives (RFC 8445 §7.3, RFC 5389 §10.1.2).</summary>
internal static class IceLiteCheck
{
    /// <summary>
    /// Classifies <paramref name="message"/>. USERNAME must be "ourUfrag:theirUfrag"; only the part
    /// before the colon is compared (RFC 8445 §7.3). <paramref name="localPassword"/> is our ICE password's bytes.
    /// </summary>
    public static IceCheckOutcome Check(StunMessage message, ReadOnlySpan<byte> localUfrag, ReadOnlySpan<byte> localPassword)
    {
        if (message.HasFingerprint && !message.VerifyFingerprint())
        {
            return IceCheckOutcome.Discard;
        }

        if (message.Class != StunMessageClass.Request)
        {
            return IceCheckOutcome.Discard;
        }

        if (message.Method != StunMethod.Binding
            || !message.TryGetUsername(out var username)
            || !message.HasMessageIntegrity)
        {
            return IceCheckOutcome.BadRequest;
        }

        int colon = username.IndexOf((byte)':');
        if (colon < 0 || !username[..colon].SequenceEqual(localUfrag) || !message.VerifyMessageIntegrity(localPassword))
        {
            return IceCheckOutcome.Unauthorized;
        }

        return message.TryGetIceControlled(out _) ? IceCheckOutcome.RoleConflict : IceCheckOutcome.Accept;
    }

    /// <summary>
    /// Writes the answer <paramref name="outcome"/> calls for and returns its length, 0 for
    /// <see cref="IceCheckOutcome.Discard"/>. Integrity (under our password) only where the request was authenticated.
    /// </summary>
    public static int WriteResponse(Span<byte> destination, StunMessage request, IceCheckOutcome outcome,
        SocketAddress remote, ReadOnlySpan<byte> localPassword) => outcome switch
        {
            IceCheckOutcome.Accept => StunWriter.WriteBindingSuccessResponse(destination, request.TransactionId, remote, localPassword),
            IceCheckOutcome.RoleConflict => StunWriter.WriteBindingErrorResponse(destination, request.TransactionId, (int)outcome, localPassword),
            IceCheckOutcome.BadRequest or IceCheckOutcome.Unauthorized =>
                StunWriter.WriteBindingErrorResponse(destination, request.TransactionId, (int)outcome, []),
            _ => 0,
        };
}
