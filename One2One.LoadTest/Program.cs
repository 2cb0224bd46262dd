using One2One.LoadTest.Reporting;
using One2One.LoadTest.Scenarios;

namespace One2One.LoadTest;

/// <summary>
/// The load tool (see README, section Benchmarks, part Load, and <see cref="LoadOptions.Usage"/>). Exit code 0 when
/// every call and connection succeeded, 1 when any failed, 2 for a bad command line.
/// </summary>
internal static class LoadToolProgram
{
    public static async Task<int> Main(string[] args)
    {
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(LoadOptions.Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        ILoadReport report = options.Scenario == "connections"
            ? await ConnectionsScenario.RunAsync(options, Console.Out, stop.Token)
            : await SetupScenario.RunAsync(options, Console.Out, stop.Token);
        Console.WriteLine();
        foreach (var line in report.Describe())
        {
            Console.WriteLine(line);
        }

        return report.Clean ? 0 : 1;
    }
}
