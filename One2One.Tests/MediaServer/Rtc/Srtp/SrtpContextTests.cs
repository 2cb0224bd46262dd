using System.Buffers.Binary;
using One2One.MediaServer.Rtc.Srtp;
using static One2One.Tests.MediaServer.Rtc.Srtp.SrtpTestPackets;

namespace One2One.Tests.MediaServer.Rtc.Srtp;

public class SrtpContextTests
{
    private const uint Ssrc = 0x11223344;

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rtp_round_trips_and_the_payload_is_encrypted(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        foreach (int payloadLength in new[] { 0, 1, 15, 16, 17, 160, 1200, 1536, 1600 })
        {
            var plain = PlainRtp(Ssrc, (ushort)(1000 + payloadLength), payloadLength);
            int plainLength = 12 + payloadLength;
            var buffer = new byte[plainLength + 16];
            plain.AsSpan(0, plainLength).CopyTo(buffer);

            sender.TryProtectRtp(buffer, plainLength, out int protectedLength).Should().BeTrue();
            protectedLength.Should().Be(plainLength + sender.RtpOverhead);
            buffer[..12].Should().Equal(plain[..12], "the header stays in the clear");
            if (payloadLength >= 8)
            {
                buffer[12..plainLength].Should().NotEqual(plain[12..plainLength]);
            }

            receiver.TryUnprotectRtp(buffer.AsSpan(0, protectedLength), out int length).Should().BeTrue();
            length.Should().Be(plainLength);
            buffer[..length].Should().Equal(plain[..plainLength]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rtp_with_csrcs_and_a_header_extension_round_trips_with_the_header_in_the_clear(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        // V=2, X=1, CC=2; two CSRCs; one-byte extension profile 0xBEDE with one word.
        var header = Hex("92 e0 00 07 00 00 01 00 11 22 33 44 aa aa aa aa bb bb bb bb be de 00 01 10 ff 00 00");
        var plain = header.Concat(Enumerable.Range(0, 100).Select(i => (byte)i)).ToArray();
        var buffer = plain.Concat(new byte[16]).ToArray();

        sender.TryProtectRtp(buffer, plain.Length, out int protectedLength).Should().BeTrue();
        buffer[..header.Length].Should().Equal(header);
        buffer[header.Length..plain.Length].Should().NotEqual(plain[header.Length..]);

        receiver.TryUnprotectRtp(buffer.AsSpan(0, protectedLength), out int length).Should().BeTrue();
        buffer[..length].Should().Equal(plain);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Rtcp_round_trips_encrypted_after_the_first_eight_bytes(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var plain = PlainRtcp(Ssrc, seed: 7);

        var protectedPacket = ProtectRtcp(sender, plain, 32);
        protectedPacket.Should().HaveCount(32 + sender.RtcpOverhead);
        protectedPacket[..8].Should().Equal(plain[..8]);
        protectedPacket[8..32].Should().NotEqual(plain[8..32]);

        receiver.TryUnprotectRtcp(protectedPacket, out int length).Should().BeTrue();
        length.Should().Be(32);
        protectedPacket[..32].Should().Equal(plain[..32]);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void A_flipped_bit_anywhere_fails_and_changes_no_state(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var first = ProtectRtp(sender, PlainRtp(Ssrc, 100), 172);
        var second = ProtectRtp(sender, PlainRtp(Ssrc, 101), 172);
        var forgedBase = ProtectRtp(sender, PlainRtp(Ssrc, 30000), 172);
        receiver.TryUnprotectRtp((byte[])first.Clone(), out _).Should().BeTrue();

        for (int bit = 0; bit < forgedBase.Length * 8; bit += 7)
        {
            var forged = (byte[])forgedBase.Clone();
            forged[bit / 8] ^= (byte)(1 << (bit % 8));
            receiver.TryUnprotectRtp(forged, out _).Should().BeFalse($"bit {bit} was flipped");
        }

        // Had a forgery moved s_l to 30000, 101 would now be refused as too old.
        receiver.TryUnprotectRtp(second, out _).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void A_flipped_bit_in_srtcp_fails_and_changes_no_state(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var packets = Enumerable.Range(0, 3).Select(i => ProtectRtcp(sender, PlainRtcp(Ssrc, i), 32)).ToArray();
        receiver.TryUnprotectRtcp((byte[])packets[0].Clone(), out _).Should().BeTrue();

        for (int bit = 8; bit < packets[2].Length * 8; bit += 5)
        {
            var forged = (byte[])packets[2].Clone();
            forged[bit / 8] ^= (byte)(1 << (bit % 8));
            receiver.TryUnprotectRtcp(forged, out _).Should().BeFalse($"bit {bit} was flipped");
        }

        receiver.TryUnprotectRtcp(packets[1], out _).Should().BeTrue();
        receiver.TryUnprotectRtcp(packets[2], out _).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Replays_and_packets_older_than_the_window_are_refused(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var packets = Enumerable.Range(0, 1100).Select(i => ProtectRtp(sender, PlainRtp(Ssrc, (ushort)(500 + i)), 172)).ToArray();

        receiver.TryUnprotectRtp((byte[])packets[0].Clone(), out _).Should().BeTrue();
        receiver.TryUnprotectRtp((byte[])packets[0].Clone(), out _).Should().BeFalse("the same packet again is a replay");
        receiver.TryUnprotectRtp((byte[])packets[1099].Clone(), out _).Should().BeTrue();
        receiver.TryUnprotectRtp((byte[])packets[76].Clone(), out _).Should().BeTrue("1,023 behind the highest is inside the window");
        receiver.TryUnprotectRtp((byte[])packets[76].Clone(), out _).Should().BeFalse();
        receiver.TryUnprotectRtp((byte[])packets[75].Clone(), out _).Should().BeFalse("1,024 behind the highest is outside the window");
        receiver.TryUnprotectRtp((byte[])packets[1099].Clone(), out _).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void A_packet_sent_again_for_a_nack_hundreds_of_packets_late_is_taken_once(int profile)
    {
        // A sender's browser sends a lost packet again with its own number (no RTX) a round trip later: on a mobile
        // link, or in a keyframe's burst, hundreds of newer packets have arrived by then (browsers keep 1,024).
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var packets = Enumerable.Range(0, 1200).Select(i => ProtectRtp(sender, PlainRtp(Ssrc, (ushort)(65_000 + i)), 172)).ToArray();
        for (var i = 0; i < packets.Length; i++)
        {
            if (i != 801)
            {
                receiver.TryUnprotectRtp((byte[])packets[i].Clone(), out _).Should().BeTrue();
            }
        }

        receiver.TryUnprotectRtp((byte[])packets[801].Clone(), out var length).Should().BeTrue("398 behind, across a wrap of the sequence number");
        packets[801].AsSpan(2, 2).ToArray().Should().Equal(new byte[] { (byte)((65_801 & 0xFFFF) >> 8), (byte)(65_801 & 0xFF) });
        length.Should().BeGreaterThan(0);
        receiver.TryUnprotectRtp((byte[])packets[801].Clone(), out _).Should().BeFalse("but only once");
        receiver.TryUnprotectRtp((byte[])packets[300].Clone(), out _).Should().BeFalse("an old one seen before is still a replay");
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void The_rollover_counter_follows_a_wrap_from_65535_to_0_with_reordering_on_both_sides(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        ushort[] sent = [65530, 65531, 65532, 65533, 0, 65534, 1, 65535, 2, 3, 4, 5, 6];
        var protectedPackets = sent.Select(seq => ProtectRtp(sender, PlainRtp(Ssrc, seq, seed: 9), 172)).ToArray();

        int[] arrival = [0, 2, 1, 3, 5, 4, 7, 6, 9, 8, 12, 10, 11];
        foreach (int i in arrival)
        {
            var packet = (byte[])protectedPackets[i].Clone();
            receiver.TryUnprotectRtp(packet, out int length).Should().BeTrue($"sequence number {sent[i]} must decrypt under its ROC");
            packet[..length].Should().Equal(PlainRtp(Ssrc, sent[i], seed: 9)[..172]);
        }

        receiver.TryUnprotectRtp((byte[])protectedPackets[7].Clone(), out _).Should().BeFalse("65535 of ROC 0 was seen");
        var next = ProtectRtp(sender, PlainRtp(Ssrc, 7, seed: 9), 172);
        receiver.TryUnprotectRtp(next, out _).Should().BeTrue();
    }

    [Fact]
    public void A_long_run_crosses_several_rollovers()
    {
        using var sender = Context(0x0001);
        using var receiver = Context(0x0001);
        var plain = PlainRtp(Ssrc, 0, payloadLength: 20);
        ushort sequence = 60000;
        for (int i = 0; i < 140_000; i++, sequence++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(2), sequence);
            var buffer = (byte[])plain.Clone();
            sender.TryProtectRtp(buffer, 32, out int protectedLength).Should().BeTrue();
            if (!receiver.TryUnprotectRtp(buffer.AsSpan(0, protectedLength), out _))
            {
                Assert.Fail($"packet {i} (sequence number {sequence}) failed");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void The_srtcp_index_counts_per_ssrc_and_replays_are_refused(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var fromA = Enumerable.Range(0, 3).Select(i => ProtectRtcp(sender, PlainRtcp(0xA, i), 32)).ToArray();
        var fromB = ProtectRtcp(sender, PlainRtcp(0xB), 32);
        int indexOffset = ((SrtpProfile)profile).IsAead() ? 4 : 14;

        fromA.Select(p => BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(p.Length - indexOffset))).Should()
            .Equal(0x8000_0000u, 0x8000_0001u, 0x8000_0002u);
        BinaryPrimitives.ReadUInt32BigEndian(fromB.AsSpan(fromB.Length - indexOffset)).Should().Be(0x8000_0000u);

        receiver.TryUnprotectRtcp((byte[])fromA[1].Clone(), out _).Should().BeTrue();
        receiver.TryUnprotectRtcp((byte[])fromA[0].Clone(), out _).Should().BeTrue("reordered inside the window");
        receiver.TryUnprotectRtcp((byte[])fromA[1].Clone(), out _).Should().BeFalse("a replay");
        receiver.TryUnprotectRtcp((byte[])fromB.Clone(), out _).Should().BeTrue("another SSRC has its own index");
        receiver.TryUnprotectRtcp((byte[])fromA[2].Clone(), out _).Should().BeTrue();
    }

    [Fact]
    public void An_srtcp_packet_sent_without_encryption_is_authenticated_and_left_as_it_is()
    {
        // RFC 3711 §3.4: E = 0. Built by hand with the context's own session keys for AES-CM.
        var keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProfile.AesCm128HmacSha1_80, new byte[16], new byte[14]);
        using var receiver = SrtpContext.Create(SrtpProfile.AesCm128HmacSha1_80, new byte[16], new byte[14]);
        var plain = PlainRtcp(Ssrc, seed: 3)[..32];
        var packet = plain.Concat(new byte[] { 0, 0, 0, 5 }).ToArray();
        var tag = System.Security.Cryptography.HMACSHA1.HashData(keys.RtcpAuthenticationKey, packet)[..10];
        packet = packet.Concat(tag).ToArray();

        receiver.TryUnprotectRtcp(packet, out int length).Should().BeTrue();

        packet[..length].Should().Equal(plain);
    }

    [Fact]
    public void A_gcm_srtcp_packet_sent_without_encryption_is_authenticated_and_left_as_it_is()
    {
        // E = 0 under AEAD: the whole packet and the index word are associated data; the tag follows the packet.
        var keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[12]);
        using var receiver = SrtpContext.Create(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[12]);
        var plain = PlainRtcp(Ssrc, seed: 4)[..32];
        var indexWord = new byte[] { 0, 0, 0, 9 };
        var nonce = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(2), Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), 9);
        for (int i = 0; i < 12; i++)
        {
            nonce[i] ^= keys.RtcpSalt[i];
        }

        var tag = new byte[16];
        using (var gcm = new System.Security.Cryptography.AesGcm(keys.RtcpEncryptionKey, 16))
        {
            gcm.Encrypt(nonce, Array.Empty<byte>(), Array.Empty<byte>(), tag, plain.Concat(indexWord).ToArray());
        }

        var packet = plain.Concat(tag).Concat(indexWord).ToArray();

        receiver.TryUnprotectRtcp(packet, out int length).Should().BeTrue();
        packet[..length].Should().Equal(plain);
        packet[20] ^= 1;
        receiver.TryUnprotectRtcp(packet, out _).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Protect_and_unprotect_allocate_nothing_per_packet(int profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        var rtp = PlainRtp(Ssrc, 0, payloadLength: 1188);
        var rtcp = PlainRtcp(Ssrc);
        bool allSucceeded = true;
        void RoundTrip(ushort sequence)
        {
            BinaryPrimitives.WriteUInt16BigEndian(rtp.AsSpan(2), sequence);
            allSucceeded &= sender.TryProtectRtp(rtp, 1200, out int protectedLength);
            allSucceeded &= receiver.TryUnprotectRtp(rtp.AsSpan(0, protectedLength), out _);
            allSucceeded &= sender.TryProtectRtcp(rtcp, 32, out protectedLength);
            allSucceeded &= receiver.TryUnprotectRtcp(rtcp.AsSpan(0, protectedLength), out _);
        }

        RoundTrip(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (ushort sequence = 2; sequence < 1000; sequence++)
        {
            RoundTrip(sequence);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allSucceeded.Should().BeTrue();
        allocated.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Short_and_random_packets_are_refused_without_throwing(int profile)
    {
        using var receiver = Context(profile);
        var random = new Random(3711);
        for (int length = 0; length <= 40; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            if (length > 0)
            {
                bytes[0] = 0x80;
            }

            receiver.TryUnprotectRtp((byte[])bytes.Clone(), out _).Should().BeFalse();
            receiver.TryUnprotectRtcp((byte[])bytes.Clone(), out _).Should().BeFalse();
        }

        for (int i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            receiver.TryUnprotectRtp((byte[])bytes.Clone(), out _).Should().BeFalse();
            receiver.TryUnprotectRtcp((byte[])bytes.Clone(), out _).Should().BeFalse();
        }

        receiver.StreamCount.Should().Be(0, "no forged packet may create state");
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Protecting_without_room_for_the_tag_or_a_header_is_refused(int profile)
    {
        using var sender = Context(profile);
        var rtp = PlainRtp(Ssrc, 1);
        var rtcp = PlainRtcp(Ssrc);

        sender.TryProtectRtp(rtp.AsSpan(0, 172 + sender.RtpOverhead - 1), 172, out _).Should().BeFalse();
        sender.TryProtectRtp(rtp, rtp.Length + 1, out _).Should().BeFalse();
        sender.TryProtectRtp(rtp, 11, out _).Should().BeFalse();
        sender.TryProtectRtcp(rtcp.AsSpan(0, 32 + sender.RtcpOverhead - 1), 32, out _).Should().BeFalse();
        sender.TryProtectRtcp(rtcp, 7, out _).Should().BeFalse();
    }

    [Fact]
    public void More_ssrcs_than_the_table_holds_are_served_by_evicting_the_least_recently_used()
    {
        using var sender = Context(0x0001, maxStreams: 4);
        using var receiver = Context(0x0001, maxStreams: 4);
        for (int round = 0; round < 3; round++)
        {
            for (uint ssrc = 1; ssrc <= 6; ssrc++)
            {
                var packet = ProtectRtp(sender, PlainRtp(ssrc, (ushort)(10 + round)), 172);
                receiver.TryUnprotectRtp(packet, out _).Should().BeTrue();
            }
        }

        receiver.StreamCount.Should().Be(4);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestPackets))]
    public void Dtls_keying_material_gives_each_side_the_others_inbound_keys(int profile)
    {
        var material = new byte[((SrtpProfile)profile).KeyingMaterialLength()];
        new Random(5764).NextBytes(material);
        SrtpContext.CreateFromKeyingMaterial((SrtpProfile)profile, material, isDtlsClient: true, out var clientIn, out var clientOut);
        SrtpContext.CreateFromKeyingMaterial((SrtpProfile)profile, material, isDtlsClient: false, out var serverIn, out var serverOut);
        using (clientIn)
        using (clientOut)
        using (serverIn)
        using (serverOut)
        {
            serverIn.TryUnprotectRtp(ProtectRtp(clientOut, PlainRtp(1, 1), 172), out _).Should().BeTrue();
            clientIn.TryUnprotectRtp(ProtectRtp(serverOut, PlainRtp(2, 1), 172), out _).Should().BeTrue();
            clientIn.TryUnprotectRtp(ProtectRtp(clientOut, PlainRtp(3, 1), 172), out _).Should().BeFalse("the directions have different keys");
        }
    }

    [Fact]
    public void Keys_of_the_wrong_length_are_refused()
    {
        var act = () => SrtpContext.Create(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[14]);

        act.Should().Throw<ArgumentException>();
    }
}
