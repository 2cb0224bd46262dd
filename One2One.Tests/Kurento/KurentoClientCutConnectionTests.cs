using One2One.Kurento;
using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;
using One2One.Tests.Support.Network;

namespace One2One.Tests.Kurento;

/// <summary>
/// Our Kurento client and our media server over a real connection that breaks after a request went out and before its reply
/// came back (nftables drops the media server's side, then the kernel destroys both sockets): the client resumes its session and
/// sends the request again with its id, and the media server answers it from its reply cache.
/// </summary>
public sealed class KurentoClientCutConnectionTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_pipeline_whose_create_was_cut_from_its_reply_is_the_one_the_client_gets_and_no_other_is_left()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = KurentoClients.For(server.Uri);
        await client.EnsureConnectedAsync(CancellationToken.None);
        Task<MediaPipeline> creating;
        using (PortBlock.TcpFromPort(server.Uri.Port))
        {
            creating = client.CreateMediaPipelineAsync();
            await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Pipelines == 1, "the media server made the pipeline");
            await TcpConnections.DropAllToAsync(server.Uri.Port);
        }

        var pipeline = await creating.WaitAsync(Soon);

        (await client.GetPipelineIdsAsync()).Should().Equal([pipeline.Id], "the one made before the cut, not a second");
        await pipeline.ReleaseAsync();
        server.Diagnostics.GetCounts().Pipelines.Should().Be(0, "nothing left that nobody holds");
    }
}
