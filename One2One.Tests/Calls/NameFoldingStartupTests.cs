using System.Diagnostics;
using One2One.Server.Calls;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>A node that could not fold names to their one form does not start (see <see cref="UserName.CanFold"/>).</summary>
public sealed class NameFoldingStartupTests
{
    [Fact]
    public void This_test_run_folds_names()
    {
        UserName.CanFold.Should().BeTrue("the tests run with ICU, as the server does");
    }

    [Fact]
    public async Task A_node_in_globalization_invariant_mode_refuses_to_start_and_says_why()
    {
        var program = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { WorkingDirectory = Path.GetDirectoryName(program)! };
        start.ArgumentList.Add(program);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        // As Alpine-based container images set it.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";

        var result = await ChildProcess.RunAsync(start, TimeSpan.FromSeconds(60));

        result.ExitCode.Should().NotBe(0);
        (result.Output + result.Error).Should().Contain("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT").And.Contain("ICU");
    }
}
