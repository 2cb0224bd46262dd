using System.Diagnostics;

namespace One2One.Tests.Support;

/// <summary>
/// Runs a short-lived command (<c>ip</c>, <c>nft</c>, <c>node</c>, the server program) to its end under one time limit, its
/// output read to the end included: a child that outlives the command keeps its pipes open, and a read without a bound
/// would wait for it. On the limit the whole process tree is killed and <see cref="TimeoutException"/> says what was printed.
/// A missing program surfaces as <see cref="System.ComponentModel.Win32Exception"/>, for the caller to say what to install.
/// </summary>
internal static class ChildProcess
{
    /// <param name="start">What to run; its output and error are redirected here (and its input when <paramref name="input"/> is given).</param>
    public static async Task<ChildProcessResult> RunAsync(ProcessStartInfo start, TimeSpan limit, string? input = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = input is not null;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{CommandOf(start)} did not start.");
        using var timeout = new CancellationTokenSource(limit);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(output, error).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{CommandOf(start)} did not finish within {limit.TotalSeconds} s: {SoFar(output)}{SoFar(error)}");
        }

        return new ChildProcessResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    public static string CommandOf(ProcessStartInfo start) => $"{start.FileName} {string.Join(' ', start.ArgumentList)}".TrimEnd();

    private static string SoFar(Task<string> read) => read.IsCompletedSuccessfully ? read.Result : "(its output was not read to the end)";
}

/// <summary>How a command ended, and what it printed on its output and its error.</summary>
internal sealed record ChildProcessResult(int ExitCode, string Output, string Error);
