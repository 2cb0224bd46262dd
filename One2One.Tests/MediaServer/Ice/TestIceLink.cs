using One2One.MediaServer.Rtc.Ice;

namespace One2One.Tests.MediaServer.Ice;

/// <summary>A link of a given protocol for driving <see cref="IceLiteAgent"/> without a transport.</summary>
internal sealed class TestIceLink(IceProtocol protocol) : IIceLink
{
    public static readonly TestIceLink Udp = new(IceProtocol.Udp);

    public IceProtocol Protocol { get; } = protocol;
}
