namespace One2One.Tests.EndToEnd;

/// <summary>
/// Where the end-to-end tests leave what a person should look at: a screenshot of every page at each main step
/// (<c>&lt;root&gt;/&lt;scenario&gt;/NN-person-step.png</c>) and the measured call set-up times
/// (<c>&lt;root&gt;/call-setup.txt</c>). The root is <see cref="RootVariable"/> when set (CI points it into its
/// test results), otherwise <c>screenshots</c> next to the test assembly.
/// </summary>
internal static class TestArtifacts
{
    public const string RootVariable = "ONE2ONE_SCREENSHOTS";

    private static readonly Lock SetupTimesGate = new();

    public static string Root =>
        Path.GetFullPath(Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root
            ? root
            : Path.Combine(AppContext.BaseDirectory, "screenshots"));

    /// <summary>An empty directory for one scenario's screenshots (a previous run's are removed).</summary>
    public static string ScenarioDirectory(string scenario)
    {
        var directory = Path.Combine(Root, scenario);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Appends one measured set-up to <c>call-setup.txt</c>, so CI keeps every run's numbers.</summary>
    public static void RecordSetupTime(string line)
    {
        Directory.CreateDirectory(Root);
        lock (SetupTimesGate)
        {
            File.AppendAllText(Path.Combine(Root, "call-setup.txt"), line + Environment.NewLine);
        }
    }
}
