using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Tests.MediaServer.Rtc.Srtp;

/// <summary>The start-up check that decides whether SRTP runs on our AES-NI code.</summary>
public class AcceleratedAesTests
{
    [Fact]
    public void Our_code_passes_its_self_test_where_the_cpu_has_the_instructions_and_is_then_used()
    {
        if (!AesGcm128.IsAcceleratedSupported)
        {
            AcceleratedAes.IsEnabled.Should().BeFalse("without AES-NI and PCLMULQDQ the platform's AES is used");
            return;
        }

        AcceleratedAes.PassesSelfTest().Should().BeTrue();
        AcceleratedAes.IsEnabled.Should().BeTrue(AcceleratedAes.Reason);
    }

    [Fact]
    public void A_failed_or_throwing_self_test_the_switch_or_a_cpu_without_the_instructions_mean_the_platforms_aes()
    {
        AcceleratedAes.Decide(platformSwitch: false, cpuSupported: true, () => false).Enabled.Should().BeFalse();
        AcceleratedAes.Decide(platformSwitch: false, cpuSupported: true, () => throw new PlatformNotSupportedException()).Enabled.Should().BeFalse();
        AcceleratedAes.Decide(platformSwitch: true, cpuSupported: true, () => true).Enabled.Should().BeFalse();
        AcceleratedAes.Decide(platformSwitch: false, cpuSupported: false, () => true).Enabled.Should().BeFalse();
        AcceleratedAes.Decide(platformSwitch: false, cpuSupported: true, () => true).Enabled.Should().BeTrue();
    }
}
