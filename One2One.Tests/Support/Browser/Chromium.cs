using Microsoft.Playwright;

namespace One2One.Tests.Support.Browser;

/// <summary>
/// The system Chromium, driven by Playwright for .NET (no <c>playwright install</c>). Browser tests run inside a
/// loopback-only network namespace (see the README); these flags keep Chromium off the network and give it a
/// fake camera and microphone.
/// </summary>
public static class Chromium
{
    public const string PathVariable = "ONE2ONE_CHROMIUM";
    public const string DefaultPath = "/usr/bin/chromium";

    public static string ExecutablePath => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : DefaultPath;

    public static IReadOnlyList<string> Arguments { get; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
        HostResolverRules(),
    ];

    /// <summary>Resolver rules that answer "not found" for every host name but 127.0.0.1 and <paramref name="reachable"/>.</summary>
    public static string HostResolverRules(params string[] reachable) =>
        $"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1{string.Concat(reachable.Select(host => " , EXCLUDE " + host))}";

    /// <summary><see cref="Arguments"/> with <paramref name="extra"/> added; an extra flag replaces a default of the same name (Chromium keeps only one).</summary>
    public static IReadOnlyList<string> ArgumentsWith(IEnumerable<string> extra)
    {
        var added = extra.ToList();
        return [.. Arguments.Where(a => !added.Any(e => SameFlag(a, e))), .. added];
    }

    private static bool SameFlag(string one, string other) =>
        string.Equals(one.Split('=')[0], other.Split('=')[0], StringComparison.Ordinal);

    /// <param name="launcher">An executable that starts <see cref="ExecutablePath"/> with its arguments (e.g. in another network namespace).</param>
    /// <param name="extraArguments">Flags beyond <see cref="Arguments"/>.</param>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, string? launcher = null, IEnumerable<string>? extraArguments = null)
    {
        var path = ExecutablePath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"This browser test needs Chromium at {path}, which is missing. Install it (Debian/Ubuntu: apt-get install -y chromium) " +
                $"or set {PathVariable} to a Chromium executable. To run the other tests without a browser: dotnet test --filter \"Category!=Browser\".");
        }

        return await playwright.Chromium.LaunchAsync(new() { ExecutablePath = launcher ?? path, Headless = true, Args = ArgumentsWith(extraArguments ?? []) });
    }
}
