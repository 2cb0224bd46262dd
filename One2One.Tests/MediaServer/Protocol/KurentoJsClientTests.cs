using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>
/// Compatibility referee: the official JavaScript client (npm kurento-client 7.3.0, One2One.Tests/KurentoJs)
/// runs the hello-world loopback against our server, unmodified, with the real WebRTC machinery behind it.
/// </summary>
public sealed class KurentoJsClientTests
{
    [Fact]
    public async Task The_official_kurento_client_runs_the_loopback_against_our_server()
    {
        var directory = FindKurentoJsDirectory();
        Directory.Exists(Path.Combine(directory, "node_modules", "kurento-client")).Should().BeTrue(
            $"the referee needs its packages: run `npm ci` in {directory}");
        await using var server = await KurentoTestServer.StartAsync(realMedia: true);

        var (exitCode, output) = await NodeProcess.RunAsync(directory, TimeSpan.FromSeconds(90), null, "hello.js", server.Uri.ToString());

        exitCode.Should().Be(0, output);
        foreach (var step in new[] { "connected", "pipeline", "endpoint", "loopback", "answer", "gathering", "candidate", "remote-candidate", "sinks", "released", "gone" })
        {
            output.Should().Contain("STEP " + step, output);
        }

        output.Should().Contain("STEP sinks AUDIO,VIDEO");

        // kurento-client's complaints about replies or events it could not place.
        output.Should().NotContainAny("Unknown object id", "No callback was defined", "Trace:", "Invalid", "Response already processed");
        output.Should().MatchRegex(@"STEP candidate candidate:1 1 UDP \d+ 127\.0\.0\.1 \d+ typ host", "the real endpoint announces its loopback host candidate");
        output.Should().Contain("STEP answer v=0 a=ice-lite", "the real endpoint answers as an ICE-lite relay");
        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 0, "the client closed its socket");
        server.Diagnostics.GetCounts().Should().BeEquivalentTo(new { Pipelines = 0, Endpoints = 0, OpenSockets = 0 });
    }

    private static string FindKurentoJsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "One2One.Tests", "KurentoJs");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("One2One.Tests/KurentoJs not found above " + AppContext.BaseDirectory);
    }
}
