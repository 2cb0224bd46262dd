using System.Diagnostics;
using System.Text;

namespace One2One.Tests.Support;

/// <summary>
/// A real server program a test starts from PATH (redis-server, turnserver): its output kept (bounded) for a failing
/// test's message, a temporary directory of its own for its files, and on dispose the process killed and the directory
/// removed.
/// </summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private const int MaxLogChars = 64 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private DaemonProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    /// <summary>Its own temporary directory (the working directory it was started in).</summary>
    public string Directory { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code, once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>What it printed so far, up to 64 K characters.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <param name="installHint">How to install it, said when it is not on PATH (e.g. "apt-get install -y coturn").</param>
    /// <param name="arguments">Its arguments; <paramref name="directoryArgument"/> turns its directory into more of them.</param>
    public static DaemonProcess Start(
        string executable, string installHint, string directoryPrefix, Func<string, IEnumerable<string>> directoryArgument, string? directory = null)
    {
        directory ??= System.IO.Directory.CreateTempSubdirectory(directoryPrefix).FullName;
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in directoryArgument(directory))
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"This test needs {executable} on PATH (Debian/Ubuntu: {installHint}).", ex);
        }

        var daemon = new DaemonProcess(process, directory);
        process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Sends it a signal by name (STOP, CONT, ...).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {Id} failed with {kill.ExitCode}.");
        }
    }

    public string ExitedMessage(string executable) => $"{executable} exited with {_process.ExitCode}: {Log}";

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        finally
        {
            _process.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the sweep of a later run.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            // Enough to say why it failed; some servers are chatty.
            if (_log.Length < MaxLogChars)
            {
                _log.AppendLine(line);
            }
        }
    }
}
