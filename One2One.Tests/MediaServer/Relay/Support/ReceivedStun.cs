using One2One.MediaServer.Rtc.Stun;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>A STUN message the endpoint answered with.</summary>
internal sealed class ReceivedStun(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;

    public StunMessage Message => StunMessage.TryParse(Bytes, out var message) ? message : throw new InvalidDataException("Not STUN.");

    public StunMessageClass Class => Message.Class;

    public int? ErrorCode => Message.TryGetErrorCode(out var code, out _) ? code : null;
}
