using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using One2One.Tests.Support;

namespace One2One.Tests.Limits;

public sealed class LimitsOptionsTests
{
    [Theory]
    [InlineData("OutboxCapacity", "0")]
    [InlineData("MaxSdpOfferBytes", "100")]
    [InlineData("MaxSdpOfferBytes", "262145")]
    [InlineData("RingsPerPairPerMinute", "0")]
    [InlineData("CallsPerAddress", "-1")]
    [InlineData("ConnectionsPerAddress", "0")]
    public async Task An_invalid_limit_stops_the_server_at_start_with_a_clear_message(string limit, string value)
    {
        await using var server = new One2OneServerFactory().WithSetting($"Limits:{limit}", value);

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>().WithMessage($"*Limits:{limit} must be between*");
    }

    [Fact]
    public async Task The_hub_accepts_messages_as_large_as_the_largest_offer_needs()
    {
        await using var server = new One2OneServerFactory().WithSetting("Limits:MaxSdpOfferBytes", "10000");

        var hub = server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.SignalR.HubOptions>>().Value;

        hub.MaximumReceiveMessageSize.Should().Be((2 * 10000) + 4096);
        hub.MaximumParallelInvocationsPerClient.Should().Be(1);
    }
}
