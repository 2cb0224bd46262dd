using System.Net;
using One2One.MediaServer.Rtc.Sdp;

namespace One2One.Tests.MediaServer.Rtc.Sdp;

public class IceCandidateTests
{
    [Fact]
    public void Chrome_host_candidate_parses_and_formats_back_unchanged()
    {
        const string text = "candidate:2512830848 1 udp 2122260223 10.0.0.5 51875 typ host generation 0 ufrag Xq2d network-id 1 network-cost 10";

        IceCandidate.TryParse(text, out var candidate, out var error).Should().BeTrue(error);

        candidate!.Foundation.Should().Be("2512830848");
        candidate.Component.Should().Be(1);
        candidate.Transport.Should().Be("udp");
        candidate.IsUdp.Should().BeTrue();
        candidate.Priority.Should().Be(2122260223u);
        candidate.Address.Should().Be("10.0.0.5");
        candidate.IPAddress.Should().Be(IPAddress.Parse("10.0.0.5"));
        candidate.Port.Should().Be(51875);
        candidate.Type.Should().Be("host");
        candidate.Generation.Should().Be(0);
        candidate.Ufrag.Should().Be("Xq2d");
        candidate.Extension("network-cost").Should().Be("10");
        candidate.ToString().Should().Be(text);
    }

    [Fact]
    public void Server_reflexive_candidate_with_related_address_round_trips()
    {
        const string text = "candidate:842163049 1 udp 1677729535 203.0.113.7 61004 typ srflx raddr 192.168.1.20 rport 61004 generation 0 ufrag Xq2d network-cost 999";

        IceCandidate.TryParse(text, out var candidate, out _).Should().BeTrue();

        candidate!.Type.Should().Be("srflx");
        candidate.RelatedAddress.Should().Be("192.168.1.20");
        candidate.RelatedPort.Should().Be(61004);
        candidate.ToString().Should().Be(text);
    }

    [Fact]
    public void Tcp_ipv6_and_mdns_candidates_parse()
    {
        IceCandidate.TryParse("candidate:1 1 tcp 1518280447 192.168.1.2 9 typ host tcptype active generation 0", out var tcp, out _).Should().BeTrue();
        tcp!.IsTcp.Should().BeTrue();
        tcp.IsUdp.Should().BeFalse();
        tcp.Extension("tcptype").Should().Be("active");

        IceCandidate.TryParse("candidate:3 1 UDP 2122262783 2001:db8::1 50000 typ host", out var v6, out _).Should().BeTrue();
        v6!.IPAddress.Should().Be(IPAddress.Parse("2001:db8::1"));

        IceCandidate.TryParse("candidate:4 1 udp 2122260223 6f1d5a2e-3b4c-4d5e-8f9a-0b1c2d3e4f5a.local 54321 typ host", out var mdns, out _).Should().BeTrue();
        mdns!.IPAddress.Should().BeNull();
        mdns.Address.Should().EndWith(".local");
    }

    [Theory]
    [InlineData("1 1 udp 2122260223 10.0.0.5 51875 typ host")]
    [InlineData("a=candidate:1 1 udp 2122260223 10.0.0.5 51875 typ host")]
    [InlineData("  candidate:1 1 udp 2122260223 10.0.0.5 51875 typ host  ")]
    public void Missing_or_extra_prefixes_are_tolerated(string text)
    {
        IceCandidate.TryParse(text, out var candidate, out _).Should().BeTrue();

        candidate!.ToString().Should().Be("candidate:1 1 udp 2122260223 10.0.0.5 51875 typ host");
    }

    [Fact]
    public void Our_host_candidate_has_the_kurento_form_and_parses_back()
    {
        var host = IceCandidate.Host("1", 2015363327, new IPEndPoint(IPAddress.Loopback, 40000));

        host.ToString().Should().Be("candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host");
        IceCandidate.TryParse(host.ToString(), out var parsed, out _).Should().BeTrue();
        parsed!.ToString().Should().Be(host.ToString());
        parsed.IsUdp.Should().BeTrue();
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("hello world", "at least")]
    [InlineData("candidate:1 1 udp", "at least")]
    [InlineData("candidate:1 0 udp 1 10.0.0.5 5000 typ host", "component id")]
    [InlineData("candidate:1 257 udp 1 10.0.0.5 5000 typ host", "component id")]
    [InlineData("candidate:1 1 udp x 10.0.0.5 5000 typ host", "priority")]
    [InlineData("candidate:1 1 udp 0 10.0.0.5 5000 typ host", "priority")]
    [InlineData("candidate:1 1 udp 99999999999 10.0.0.5 5000 typ host", "priority")]
    [InlineData("candidate:1 1 udp 1 10.0.0.5 70000 typ host", "port")]
    [InlineData("candidate:1 1 udp 1 10.0.0.5 -1 typ host", "port")]
    [InlineData("candidate:1 1 udp 1 10.0.0.5 5000 type host", "expected 'typ'")]
    [InlineData("candidate:1 1 udp 1 10.0.0.5 5000 typ host generation", "has no value")]
    [InlineData("candidate:1 1 udp 1 10.0.0.5 5000 typ srflx raddr 1.2.3.4 rport port", "rport")]
    [InlineData("candidate:1 1 udp 1 10.0.0.5 5000 typ srflx raddr bad!addr rport 1", "raddr")]
    [InlineData("candidate:1 1 udp 1 bad!address 5000 typ host", "connection address")]
    [InlineData("candidate:this-foundation-is-not-ice-chars 1 udp 1 10.0.0.5 5000 typ host", "foundation")]
    [InlineData("candidate:123456789012345678901234567890123 1 udp 1 10.0.0.5 5000 typ host", "foundation")]
    public void Garbage_is_refused_with_a_reason(string text, string reason)
    {
        IceCandidate.TryParse(text, out var candidate, out var error).Should().BeFalse();

        candidate.Should().BeNull();
        error.Should().Contain(reason);
    }

    [Fact]
    public void Absurdly_long_input_is_refused()
    {
        var text = "candidate:1 1 udp 1 10.0.0.5 5000 typ host" + string.Concat(Enumerable.Repeat(" a b", 400));

        IceCandidate.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain("longer than");
    }
}
