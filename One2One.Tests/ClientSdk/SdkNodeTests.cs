using One2One.Tests.Support;

namespace One2One.Tests.ClientSdk;

/// <summary>
/// The TypeScript SDK's own tests (One2One.Client/test), compiled by the build into One2One.Client/build, run by Node's
/// test runner: the pure parts alone, and One2OneClient in Node against the real server on 127.0.0.1 with its embedded
/// media server. A failure shows node's report. Node starts a process per test file, each busy for a second or two, so
/// these run with the other CPU-heavy runs, after the timing-sensitive parallel classes.
/// </summary>
[Collection(CpuHeavyCollection.Name)]
public sealed class SdkNodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_unit_tests_of_the_pure_parts_pass()
    {
        var (exitCode, output) = await NodeProcess.RunAsync(CompiledTests(), Timeout, null, ["--test", .. TestFiles("unit")]);

        exitCode.Should().Be(0, output);
        output.Should().MatchRegex(@"# pass [1-9]\d*", output).And.Contain("# fail 0");
    }

    [Fact]
    public async Task One2OneClient_registers_calls_and_is_refused_against_the_real_server()
    {
        await using var server = new One2OneServerFactory();
        var environment = new Dictionary<string, string>
        {
            ["ONE2ONE_HUB_URL"] = server.HubUri.ToString(),
            ["ONE2ONE_OFFER_SDP"] = Path.Combine(AppContext.BaseDirectory, "Fixtures", "chromium-156-offer.sdp"),
        };

        var (exitCode, output) = await NodeProcess.RunAsync(CompiledTests(), Timeout, environment, ["--test", .. TestFiles("integration")]);

        exitCode.Should().Be(0, output);
        output.Should().MatchRegex(@"# pass [1-9]\d*", output).And.Contain("# fail 0");
    }

    /// <summary>
    /// The compiled test files of one folder, named one by one: Node 20 runs every test file under a folder given to
    /// --test, but from Node 21 the argument is a glob and a bare folder matches no test file.
    /// </summary>
    private static string[] TestFiles(string folder)
    {
        var files = Directory.GetFiles(Path.Combine(CompiledTests(), "test", folder), "*.test.js")
            .Select(f => Path.GetRelativePath(CompiledTests(), f)).Order(StringComparer.Ordinal).ToArray();
        files.Should().NotBeEmpty($"the build compiles test/{folder}");
        return files;
    }

    private static string CompiledTests()
    {
        var directory = Path.Combine(ClientContractTests.RepositoryRoot(), "One2One.Client", "build");
        Directory.Exists(Path.Combine(directory, "test", "unit")).Should().BeTrue(
            $"the SDK's tests are compiled by the build (npm run build, which dotnet build runs) into {directory}");
        return directory;
    }
}
