using System.Diagnostics;

namespace One2One.Tests.Support;

/// <summary>Runs <c>node</c> to completion and hands back its exit code and everything it printed.</summary>
public static class NodeProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        try
        {
            var result = await ChildProcess.RunAsync(start, timeout);
            return (result.ExitCode, result.Output + result.Error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("This test needs Node.js (`node`) on the PATH.", ex);
        }
    }
}
