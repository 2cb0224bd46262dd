using System.Diagnostics;

namespace One2One.Tests.Support;

/// <summary>Runs <c>node</c> to completion and hands back its exit code and everything it printed.</summary>
public static class NodeProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("This test needs Node.js (`node`) on the PATH.", ex);
        }

        using var started = process;
        // One bound for all of it, the output read to its end included: a child that outlives node keeps its pipes open.
        using var cancel = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var stderr = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            await Task.WhenAll(stdout, stderr).WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {string.Join(' ', arguments)} did not finish within {timeout}: " + Finished(stdout) + Finished(stderr));
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Finished(Task<string> read) => read.IsCompletedSuccessfully ? read.Result : "(its output was not read to the end)";
}
