using System.Diagnostics;

namespace One2One.Tests.Support.Lab;

/// <summary>Runs the lab's system tools (<c>ip</c>, <c>nft</c>, <c>sysctl</c>) and fails with what they said.</summary>
internal static class LabCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>, feeding it <paramref name="input"/>; returns its output.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        ChildProcessResult result;
        try
        {
            result = await ChildProcess.RunAsync(start, Limit, input);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new NetworkLabException($"The network lab needs {file} on PATH ({NetworkLab.Requirements}).", ex);
        }
        catch (TimeoutException ex)
        {
            throw new NetworkLabException(ex.Message, ex);
        }

        if (result.ExitCode != 0)
        {
            throw new NetworkLabException($"{ChildProcess.CommandOf(start)} failed ({result.ExitCode}): {result.Error.Trim()}{(input is null ? "" : $"\ninput:\n{input}")}");
        }

        return result.Output;
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
