using Microsoft.Extensions.Options;
using One2One.Server.Cluster;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>The Cluster section is checked before the silo is configured: a value the node cannot join with stops start-up and names the setting.</summary>
public sealed class ClusterOptionsTests
{
    [Theory]
    [InlineData("Cluster:AdvertisedAddress", "node-a.internal", "Cluster:AdvertisedAddress must be the IP address")]
    [InlineData("Cluster:AdvertisedAddress", "0.0.0.0", "not 0.0.0.0")]
    [InlineData("Cluster:SiloPort", "-1", "Cluster:SiloPort and Cluster:GatewayPort must be within 0..65535")]
    [InlineData("Cluster:GatewayPort", "70000", "Cluster:SiloPort and Cluster:GatewayPort must be within 0..65535")]
    [InlineData("Cluster:ClusterId", " ", "Cluster:ClusterId and Cluster:ServiceId must not be empty")]
    public void A_value_the_node_cannot_join_with_fails_start_up_naming_the_setting(string key, string value, string message)
    {
        using var server = new One2OneServerFactory().WithSetting(key, value);

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void A_redis_connection_string_that_does_not_parse_is_refused_without_echoing_it()
    {
        var result = new ClusterNodeOptionsValidator().Validate(null, new ClusterNodeOptions { Redis = "127.0.0.1:6379,password=s3cret,nonsense=1" });

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Cluster:Redis is not a StackExchange.Redis connection string").And.NotContain("s3cret");
    }

    [Fact]
    public void An_ip_address_and_ports_in_range_are_accepted()
    {
        new ClusterNodeOptionsValidator().Validate(null, new ClusterNodeOptions { AdvertisedAddress = "10.0.0.7", SiloPort = 11111, GatewayPort = 30000, Redis = "127.0.0.1:6379" })
            .Succeeded.Should().BeTrue();
    }
}
