namespace One2One.MediaServer.Rtc.Stun;

/// <summary>The class bits of a STUN message type (RFC 5389 §6).</summary>
internal enum StunMessageClass
{
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
}

/// <summary>STUN methods (RFC 5389 §18.1).</summary>
internal static class StunMethod
{
    public const int Binding = 0x001;
}

/// <summary>The attributes ICE-lite reads or writes (RFC 5389 §18.2, RFC 8445 §16.1).</summary>
internal static class StunAttributeType
{
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort Software = 0x8022;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;
}

/// <summary>The error codes ICE-lite answers with (RFC 5389 §15.6, RFC 8445 §7.3.1.1).</summary>
internal static class StunErrorCode
{
    public const int BadRequest = 400;
    public const int Unauthorized = 401;
    public const int RoleConflict = 487;
}

/// <summary>Which ICE role a Binding request claims (RFC 8445 §7.1.3).</summary>
internal enum IceRole
{
    Controlling,
    Controlled,
}
