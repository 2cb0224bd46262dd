using Microsoft.Playwright;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.Support.Lab;

/// <summary>
/// The system Chromium started inside a lab namespace, so its traffic leaves from that site. Playwright drives it over
/// a pipe, which survives <c>ip netns exec</c>; so a small launcher script, written into the lab's directory, does the
/// rest. The lab serves the page over https with a self-signed certificate from a non-loopback address, which
/// <c>--ignore-certificate-errors</c> lets through as a secure context (getUserMedia needs one).
/// </summary>
internal static class NamespacedChromium
{
    /// <param name="servers">The addresses the page may reach (the lab's public servers).</param>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, LabSite site, string workDirectory, params string[] servers)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The network lab runs on Linux only.");
        }

        var launcher = Path.Combine(workDirectory, $"chromium-{site.HostNamespace}.sh");
        await File.WriteAllTextAsync(launcher, $"#!/bin/sh\nexec ip netns exec '{site.HostNamespace}' '{Chromium.ExecutablePath}' \"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return await Chromium.LaunchAsync(playwright, launcher, ["--ignore-certificate-errors", Chromium.HostResolverRules(servers)]);
    }
}
