using One2One.Server.Contracts;

namespace One2One.Tests.Support.Cluster;

/// <summary>Calls between signaling clients on a <see cref="MultiProcessCluster"/>, whose standalone media server negotiates Chromium's recorded offer for real.</summary>
internal static class ClusterCalls
{
    public static readonly string RecordedOffer =
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "chromium-156-offer.sdp")).ReplaceLineEndings("\r\n");

    /// <summary>Alice calls bob and he accepts: both hold their answers.</summary>
    public static async Task ConnectAsync(SignalingClient alice, SignalingClient bob)
    {
        await alice.CallAsync("bob", RecordedOffer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice");
        await bob.AcceptAsync("alice", RecordedOffer);
        (await bob.WaitForAsync<StartCommunication>()).Message.SdpAnswer.Should().Contain("a=ice-ufrag");
        var accepted = (await alice.WaitForAsync<CallResponse>()).Message;
        accepted.Response.Should().Be(Responses.Accepted, accepted.Message);
        accepted.SdpAnswer.Should().Contain("a=ice-ufrag");
    }
}
