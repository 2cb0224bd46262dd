using Microsoft.Extensions.DependencyInjection;
using One2One.LoadTest;
using One2One.LoadTest.Scenarios;
using One2One.MediaServer.Hosting;
using One2One.Server.Hosting;
using One2One.Tests.Support;

namespace One2One.Tests.LoadTest;

/// <summary>
/// The load tool's scenarios, small: so the tool cannot rot between load runs. The real load (10,000 connections,
/// throughput runs) is run by hand, never here (README, Benchmarks, Load).
/// </summary>
[Trait("Category", "Load")]
public sealed class LoadToolSmokeTests
{
    [Fact]
    public async Task Connections_holds_registered_connections_against_a_server_process_and_reads_its_memory()
    {
        var options = LoadOptions.Parse(["connections", "--connections", "20", "--calls", "3", "--warmup-calls", "1", "--idle-window", "1"]);

        var report = await ConnectionsScenario.RunAsync(options, TextWriter.Null, CancellationToken.None);

        report.Registered.Should().Be(20);
        report.Dropped.Should().Be(0);
        report.Clean.Should().BeTrue(string.Join(Environment.NewLine, report.Describe()));
        report.Baseline!.ResidentBytes.Should().BeGreaterThan(0);
        report.Baseline.ManagedHeapBytes.Should().BeGreaterThan(0);
        report.ResidentBytesPerConnection.Should().NotBeNull();
        report.Idle.SetUp.Count.Should().Be(3);
        report.LoadedCalls.SetUp.Count.Should().Be(3);
        report.LoadedCalls.Release.Count.Should().Be(3, "each pipeline's sockets were seen closed after the hang-up");
        report.IdleAfter.SetUp.Count.Should().Be(3);
    }

    [Fact]
    public async Task Setup_calls_back_to_back_against_a_given_hub_and_sees_every_pipeline_released()
    {
        await using var server = new One2OneServerFactory();
        var options = LoadOptions.Parse(["setup", "--hub", server.HubUri.ToString(), "--pairs", "2", "--duration", "2", "--runs", "2", "--warmup", "0"]);

        var report = await SetupScenario.RunAsync(options, TextWriter.Null, CancellationToken.None);

        report.Clean.Should().BeTrue(string.Join(Environment.NewLine, report.Describe()));
        report.Runs.Should().HaveCount(2).And.OnlyContain(r => r.Calls.Completed > 0 && r.SetupsPerSecond > 0);
        report.Runs.Should().OnlyContain(r => r.Calls.Release.Count == r.Calls.Completed, "the tool saw every pipeline's sockets close");
        var media = server.Services.GetRequiredService<EmbeddedMediaServerHost>().Server.Diagnostics.GetCounts();
        media.Should().Match<MediaServerCounts>(c => c.Pipelines == 0 && c.Endpoints == 0 && c.OpenSockets == 0, "the server agrees that nothing is left");
    }

    [Theory]
    [InlineData(new[] { "flood" }, "Name a scenario")]
    [InlineData(new[] { "setup", "--pairs", "0" }, "--pairs needs a positive whole number")]
    [InlineData(new[] { "setup", "--hub", "ftp://x/one2one" }, "--hub needs an http(s) URL")]
    [InlineData(new[] { "setup", "--server-pid", "12" }, "--server-pid goes with --hub")]
    [InlineData(new[] { "connections", "--server-setting", "NoEquals" }, "--server-setting needs Key=Value")]
    [InlineData(new[] { "connections", "--calls" }, "--calls needs a value")]
    public void Bad_command_lines_get_a_clear_error(string[] args, string error)
    {
        var parse = () => LoadOptions.Parse(args);

        parse.Should().Throw<ArgumentException>().WithMessage($"*{error}*");
    }
}
