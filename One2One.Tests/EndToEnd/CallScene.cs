using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using One2One.Kurento;
using One2One.MediaServer.Hosting;
using One2One.Server.Hosting;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// One scenario's world: its own One2One server (real Kestrel on 127.0.0.1, embedded media server), one browser
/// context per person on the shared Chromium, and the scenario's screenshots. Disposing it closes the people's
/// browsers, then stops the server.
/// </summary>
internal sealed class CallScene : IAsyncDisposable
{
    /// <summary>How long a call may take from the click to media on both pages before the test gives up.</summary>
    private static readonly TimeSpan SetupLimit = TimeSpan.FromSeconds(30);

    private readonly IBrowser _browser;
    private readonly ITestOutputHelper _output;
    private readonly string _scenario;
    private readonly List<(SoftphonePage Page, IBrowserContext Context)> _people = [];
    private int _step;

    private CallScene(IBrowser browser, ITestOutputHelper output, string scenario, One2OneServerFactory server)
    {
        _browser = browser;
        _output = output;
        _scenario = scenario;
        Server = server;
        ScreenshotDirectory = TestArtifacts.ScenarioDirectory(scenario);
        output.WriteLine($"screenshots: {ScreenshotDirectory}");
    }

    public One2OneServerFactory Server { get; }

    public string ScreenshotDirectory { get; }

    /// <summary>What the embedded media server holds right now.</summary>
    public MediaServerCounts MediaCounts => Server.Services.GetRequiredService<EmbeddedMediaServerHost>().Server.Diagnostics.GetCounts();

    private IKurentoClient Kurento => Server.Services.GetRequiredService<IKurentoClient>();

    /// <param name="ringingTimeout">How long a call rings before "no answer"; the server's default when null.</param>
    /// <param name="configure">More server settings (authentication, say).</param>
    public static CallScene Start(
        BrowserFixture browser, ITestOutputHelper output, string scenario, TimeSpan? ringingTimeout = null, Func<One2OneServerFactory, One2OneServerFactory>? configure = null)
    {
        var server = new One2OneServerFactory { RingingTimeout = ringingTimeout };
        return Start(configure?.Invoke(server) ?? server, browser.Browser, output, scenario);
    }

    /// <summary>A scene on a server set up by the caller (e.g. in the network lab); it starts the server and disposes it.</summary>
    /// <param name="browser">The browser people open the page in unless <see cref="OpenAsync"/> is given another.</param>
    public static CallScene Start(One2OneServerFactory server, IBrowser browser, ITestOutputHelper output, string scenario)
    {
        // The pages' window.one2one hook, which SoftphonePage reads, is served only with this setting.
        server.WithSetting(ClientTestHooks.SettingKey, "true");
        try
        {
            server.StartServer();
            return new CallScene(browser, output, scenario, server);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Opens the One2One page for a person in a browser context of their own.</summary>
    /// <param name="query">Added to the page's address, e.g. <c>?token=...</c>.</param>
    /// <param name="browser">The browser to use, e.g. one running where this person is in the network lab.</param>
    public async Task<SoftphonePage> OpenAsync(string name, string query = "", IBrowser? browser = null)
    {
        var context = await (browser ?? _browser).NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Log($"[{name}] console.{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Log($"[{name}] page error: {error}");

        var person = new SoftphonePage(name, page, () => ScreenshotAsync("failed"));
        _people.Add((person, context));
        await page.GotoAsync(Server.BaseAddress + query);
        await page.WaitForFunctionAsync("() => window.one2one !== undefined");
        return person;
    }

    /// <summary>Opens the page for a person and registers them.</summary>
    public async Task<SoftphonePage> RegisteredAsync(string name, IBrowser? browser = null)
    {
        var person = await OpenAsync(name, browser: browser);
        await person.RegisterAsync();
        return person;
    }

    /// <summary>Saves every open page as <c>NN-person-step.png</c>.</summary>
    public async Task ScreenshotAsync(string step)
    {
        var number = Interlocked.Increment(ref _step);
        foreach (var (person, _) in _people)
        {
            if (person.IsClosed)
            {
                continue;
            }

            var path = Path.Combine(ScreenshotDirectory, $"{number:00}-{person.Name}-{step}.png");
            await person.Page.ScreenshotAsync(new() { Path = path, Animations = ScreenshotAnimations.Disabled });
        }
    }

    /// <summary>
    /// The caller calls, the callee accepts the prompt, and both pages decode each other's video. Measures the call
    /// set-up (the click on Call to the first remote frame decoded on each page), prints it and records it.
    /// </summary>
    public async Task EstablishCallAsync(SoftphonePage caller, SoftphonePage callee)
    {
        await caller.EnterPeerAsync(callee);
        var clock = Stopwatch.StartNew();
        await caller.PressCallAsync();
        var callerFrame = caller.FirstRemoteFrameAsync(clock, SetupLimit);

        await callee.ShouldBeRungByAsync(caller);
        await callee.AcceptAsync();
        var accepted = clock.Elapsed;
        var calleeFrame = callee.FirstRemoteFrameAsync(clock, SetupLimit);

        var callerTime = await callerFrame;
        var calleeTime = await calleeFrame;
        var line = FormattableString.Invariant(
            $"call set-up: {callerTime.TotalSeconds:0.00} s ({caller.Name}), {calleeTime.TotalSeconds:0.00} s ({callee.Name}); accepted after {accepted.TotalSeconds:0.00} s");
        _output.WriteLine(line);
        TestArtifacts.RecordSetupTime(FormattableString.Invariant($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {_scenario}: {line}"));
    }

    /// <summary>Both pages receive each other's video and audio, rising over two seconds.</summary>
    public Task ShouldSeeAndHearEachOtherAsync(SoftphonePage one, SoftphonePage other) =>
        Task.WhenAll(
            MediaExpectations.ShouldReceiveAudioAndVideoAsync(one.MediaAsync, one.Name),
            MediaExpectations.ShouldReceiveAudioAndVideoAsync(other.MediaAsync, other.Name));

    /// <summary>The call's pipeline, its two endpoints and their two sockets, and nothing more.</summary>
    public async Task ShouldHoldOneCallAsync()
    {
        MediaCounts.Should().Match<MediaServerCounts>(c => c.Pipelines == 1 && c.Endpoints == 2 && c.OpenSockets == 2, "one call is up");
        (await Kurento.GetPipelineIdsAsync()).Should().HaveCount(1);
    }

    /// <summary>No pipeline, endpoint or media socket is left on the media server.</summary>
    public async Task ShouldHoldNoMediaAsync()
    {
        await Eventually.TrueAsync(() => MediaCounts is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "the media server holds no pipeline, endpoint or socket");
        (await Kurento.GetPipelineIdsAsync()).Should().BeEmpty();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var (_, context) in _people)
            {
                await context.DisposeAsync();
            }
        }
        finally
        {
            // The server goes even when a browser context would not close.
            await Server.DisposeAsync();
        }
    }

    private void Log(string line)
    {
        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished: xunit takes no more output.
        }
    }
}
