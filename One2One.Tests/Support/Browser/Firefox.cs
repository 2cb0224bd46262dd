using System.Diagnostics;

namespace One2One.Tests.Support.Browser;

/// <summary>
/// The system Firefox (Debian's <c>firefox-esr</c>), headless, with a fresh profile of its own, driven over Marionette.
/// Like Chromium it runs inside the tests' loopback-only network namespace; its preferences give it fake devices and
/// let it gather loopback candidates there.
/// </summary>
internal sealed class Firefox : IAsyncDisposable
{
    public const string PathVariable = "ONE2ONE_FIREFOX";

    /// <summary>
    /// The profile's preferences. Firefox offers host candidates only to a page that captures (or may capture) the camera
    /// or microphone, and decides that from permissions, which fake devices do not grant: without the two
    /// <c>permissions.default</c> lines it looks for the default route's address alone, which a loopback-only namespace
    /// does not have, and gathers nothing.
    /// </summary>
    private static readonly string[] Preferences =
    [
        """user_pref("media.navigator.streams.fake", true);""",
        """user_pref("media.navigator.permission.disabled", true);""",
        """user_pref("permissions.default.camera", 1);""",
        """user_pref("permissions.default.microphone", 1);""",
        """user_pref("media.peerconnection.ice.loopback", true);""",
        """user_pref("media.peerconnection.ice.obfuscate_host_addresses", false);""",
        """user_pref("media.autoplay.default", 0);""",
        """user_pref("browser.shell.checkDefaultBrowser", false);""",
        """user_pref("app.update.enabled", false);""",
        """user_pref("datareporting.policy.dataSubmissionEnabled", false);""",
        """user_pref("toolkit.telemetry.enabled", false);""",
        """user_pref("network.captive-portal-service.enabled", false);""",
        """user_pref("browser.startup.homepage_override.mstone", "ignore");""",
    ];

    private readonly Process _process;
    private readonly string _profile;

    private Firefox(Process process, string profile, Marionette marionette)
    {
        _process = process;
        _profile = profile;
        Marionette = marionette;
    }

    public Marionette Marionette { get; }

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path
        : new[] { "/usr/bin/firefox-esr", "/usr/bin/firefox" }.FirstOrDefault(File.Exists) ?? "/usr/bin/firefox-esr";

    public static async Task<Firefox> LaunchAsync(CancellationToken cancellationToken)
    {
        var path = ExecutablePath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"This browser test needs Firefox at {path}, which is missing. Install it (Debian: apt-get install -y firefox-esr) " +
                $"or set {PathVariable} to a Firefox executable. To run the other tests without a browser: dotnet test --filter \"Category!=Browser\".");
        }

        var profile = Directory.CreateTempSubdirectory("one2one-firefox-").FullName;
        Process? process = null;
        var output = new OutputTail();
        try
        {
            var port = FreeTcpPort.OnLoopback();
            await File.WriteAllLinesAsync(Path.Combine(profile, "user.js"), [.. Preferences, $"user_pref(\"marionette.port\", {port});"], cancellationToken);
            var start = new ProcessStartInfo(path)
            {
                ArgumentList = { "--headless", "--marionette", "--no-remote", "--profile", profile },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            process = Process.Start(start) ?? throw new InvalidOperationException($"{path} did not start.");
            // Firefox writes a good deal to both: read it so it never blocks on a full pipe, and keep the end for a failure.
            process.OutputDataReceived += (_, e) => output.Add(e.Data);
            process.ErrorDataReceived += (_, e) => output.Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var started = process;
            var marionette = await Marionette.ConnectAsync(port, () => !started.HasExited, cancellationToken);
            return new Firefox(process, profile, marionette);
        }
        catch (Exception ex)
        {
            if (process is not null)
            {
                Stop(process);
            }

            DeleteProfile(profile);
            throw new InvalidOperationException($"Firefox ({path}) could not be started and driven over Marionette: {ex.Message}\nIts last output:\n{output}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Marionette.DisposeAsync();
        }
        finally
        {
            Stop(_process);
            DeleteProfile(_profile);
        }
    }

    private static void DeleteProfile(string profile)
    {
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // A file Firefox still had open as it was killed; the temporary directory goes with the machine.
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }

        process.Dispose();
    }

    /// <summary>The last lines Firefox wrote (both streams), for the message when it cannot be started.</summary>
    private sealed class OutputTail
    {
        private const int Lines = 30;
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > Lines)
                {
                    _lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }
}
