using System.Diagnostics;

namespace One2One.Tests.Support.Lab;

/// <summary>Runs the lab's system tools (<c>ip</c>, <c>nft</c>, <c>sysctl</c>) and fails with what they said.</summary>
internal static class LabCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>, feeding it <paramref name="input"/>; returns its output.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, string? input = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var command = $"{file} {string.Join(' ', info.ArgumentList)}";
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new NetworkLabException($"{command} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new NetworkLabException($"The network lab needs {file} on PATH ({NetworkLab.Requirements}).", ex);
        }

        using (process)
        {
            // One bound for all of it, the output read to its end included: a child that outlives the command keeps
            // its pipes open.
            using var timeout = new CancellationTokenSource(Limit);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                if (input is not null)
                {
                    await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token);
                    process.StandardInput.Close();
                }

                await process.WaitForExitAsync(timeout.Token);
                await Task.WhenAll(output, error).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new NetworkLabException($"{command} did not finish within {Limit.TotalSeconds} s.");
            }

            if (process.ExitCode != 0)
            {
                throw new NetworkLabException($"{command} failed ({process.ExitCode}): {(await error).Trim()}{(input is null ? "" : $"\ninput:\n{input}")}");
            }

            return await output;
        }
    }

    /// <summary><c>ip</c> with one command per line of <paramref name="commands"/>, in <paramref name="networkNamespace"/> (or the test's own).</summary>
    public static Task<string> IpAsync(string? networkNamespace, params string[] commands) =>
        RunAsync("ip", networkNamespace is null ? ["-batch", "-"] : ["-n", networkNamespace, "-batch", "-"], string.Join('\n', commands) + "\n");

    /// <summary>Runs <paramref name="arguments"/> inside <paramref name="networkNamespace"/> (<c>ip netns exec</c>).</summary>
    public static Task<string> InAsync(string networkNamespace, IEnumerable<string> arguments, string? input = null) =>
        RunAsync("ip", ["netns", "exec", networkNamespace, .. arguments], input);

    /// <summary>Loads an nftables ruleset into <paramref name="networkNamespace"/>.</summary>
    public static Task<string> NftAsync(string networkNamespace, string ruleset) => InAsync(networkNamespace, ["nft", "-f", "-"], ruleset);
}

/// <summary>The lab could not be built or changed; the message says which command failed and why.</summary>
public sealed class NetworkLabException : Exception
{
    public NetworkLabException(string message) : base(message)
    {
    }

    public NetworkLabException(string message, Exception inner) : base(message, inner)
    {
    }
}
