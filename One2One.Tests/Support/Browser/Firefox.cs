namespace One2One.Tests.Support.Browser;

/// <summary>
/// The system Firefox (Debian's <c>firefox-esr</c>), headless, with a fresh profile of its own (the directory of its
/// <see cref="DaemonProcess"/>, which keeps its output and removes the profile with it), driven over Marionette.
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

    private readonly DaemonProcess _process;

    private Firefox(DaemonProcess process, Marionette marionette)
    {
        _process = process;
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

        // The profile is written before Firefox starts in it, so the directory is made here and handed to the process.
        var profile = Directory.CreateTempSubdirectory("one2one-firefox-").FullName;
        DaemonProcess? process = null;
        try
        {
            var port = FreeTcpPort.OnLoopback();
            await File.WriteAllLinesAsync(Path.Combine(profile, "user.js"), [.. Preferences, $"user_pref(\"marionette.port\", {port});"], cancellationToken);
            process = DaemonProcess.Start(
                path, "apt-get install -y firefox-esr", "one2one-firefox-", dir => ["--headless", "--marionette", "--no-remote", "--profile", dir], profile);
            var started = process;
            var marionette = await Marionette.ConnectAsync(port, () => !started.HasExited, cancellationToken);
            return new Firefox(process, marionette);
        }
        catch (Exception ex)
        {
            var output = process?.Log ?? "";
            if (process is not null)
            {
                await process.DisposeAsync();
            }
            else
            {
                Directory.Delete(profile, recursive: true);
            }

            throw new InvalidOperationException($"Firefox ({path}) could not be started and driven over Marionette: {ex.Message}\nIts output:\n{output}", ex);
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
            await _process.DisposeAsync();
        }
    }
}
