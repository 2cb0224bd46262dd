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
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ];

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var path = ExecutablePath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"This browser test needs Chromium at {path}, which is missing. Install it (Debian/Ubuntu: apt-get install -y chromium) " +
                $"or set {PathVariable} to a Chromium executable. To run the other tests without a browser: dotnet test --filter \"Category!=Browser\".");
        }

        return await playwright.Chromium.LaunchAsync(new() { ExecutablePath = path, Headless = true, Args = Arguments });
    }
}
