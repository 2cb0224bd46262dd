using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class SrtpKeyingMaterialTests
{
    [Theory]
    [InlineData(0x0001, 14)]
    [InlineData(0x0002, 14)]
    [InlineData(0x0007, 12)]
    public void Exporter_output_is_split_as_RFC_5764_section_4_2_lays_it_out(int profileId, int saltLength)
    {
        var profile = (SrtpProfile)profileId;
        var exported = Enumerable.Range(0, SrtpKeyingMaterial.ExportLength(profile)).Select(i => (byte)i).ToArray();

        var keys = SrtpKeyingMaterial.FromExporterOutput(profile, exported);

        exported.Length.Should().Be(2 * (16 + saltLength));
        keys.Profile.Should().Be(profile);
        keys.ClientWriteKey.ToArray().Should().Equal(exported[..16]);
        keys.ServerWriteKey.ToArray().Should().Equal(exported[16..32]);
        keys.ClientWriteSalt.ToArray().Should().Equal(exported[32..(32 + saltLength)]);
        keys.ServerWriteSalt.ToArray().Should().Equal(exported[(32 + saltLength)..]);
    }

    [Fact]
    public void The_profile_ids_are_the_IANA_values()
    {
        ((int)SrtpProfile.AesCm128HmacSha1_80).Should().Be(0x0001);
        ((int)SrtpProfile.AesCm128HmacSha1_32).Should().Be(0x0002);
        ((int)SrtpProfile.AeadAes128Gcm).Should().Be(0x0007);
        SrtpProfiles.ServerPreference.Should().Equal(SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32);
    }

    [Fact]
    public void Wrong_length_is_refused()
    {
        var split = () => SrtpKeyingMaterial.FromExporterOutput(SrtpProfile.AeadAes128Gcm, new byte[60]);
        split.Should().Throw<ArgumentException>();
    }
}
