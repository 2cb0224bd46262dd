using System.Text.Json;
using System.Text.Json.Nodes;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// One person's One2One page in Firefox, used, as <see cref="SoftphonePage"/> uses Chromium's, only through the page's
/// own controls and the test hook (<c>window.one2one</c>); driven over Marionette, so each action is a script that
/// sets a field or clicks a button as a person would.
/// </summary>
internal sealed class FirefoxPage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Marionette _browser;
    private readonly CancellationToken _cancellationToken;

    private FirefoxPage(string name, Marionette browser, CancellationToken cancellationToken)
    {
        Name = name;
        _browser = browser;
        _cancellationToken = cancellationToken;
    }

    public string Name { get; }

    public static async Task<FirefoxPage> OpenAsync(string name, Firefox firefox, Uri address, CancellationToken cancellationToken)
    {
        var page = new FirefoxPage(name, firefox.Marionette, cancellationToken);
        await firefox.Marionette.NavigateAsync(address.ToString(), cancellationToken);
        await page.WaitForHookAsync();
        return page;
    }

    // ---- what the person does ----

    public async Task RegisterAsync()
    {
        await FillAsync("#name", Name);
        await ClickAsync("#register");
        await ShouldBeAsync("registered");
    }

    public async Task CallAsync(string peer)
    {
        await FillAsync("#peer", peer);
        await ClickAsync("#call");
    }

    public Task AcceptAsync() => ClickAsync("#accept");

    public Task HangUpAsync() => ClickAsync("#hangup");

    /// <summary>Reloads the page (F5): the page comes back on a new connection and resumes what it had.</summary>
    public async Task ReloadAsync()
    {
        await _browser.ReloadAsync(_cancellationToken);
        await WaitForHookAsync();
    }

    // ---- what the person sees ----

    public Task ShouldBeAsync(string state) =>
        Eventually.TrueAsync(async () => await StateAsync() == state, $"{Name}'s page (Firefox) is {state}");

    public Task ShouldBeRungByAsync(string caller) =>
        Eventually.TrueAsync(
            async () => (await EvaluateAsync<string>("""
                const prompt = document.getElementById('incoming');
                return prompt.hidden ? '' : document.getElementById('incoming-from').textContent;
                """)) == caller,
            $"{Name}'s page (Firefox) shows {caller}'s call");

    /// <summary>The message box shows <paramref name="text"/> as <paramref name="kind"/> (error, or info for news).</summary>
    public Task ShouldSayAsync(string kind, string text) =>
        Eventually.TrueAsync(
            async () => (await EvaluateAsync<string>("""
                const box = document.getElementById('error');
                return box.hidden ? '' : box.dataset.kind + ': ' + box.textContent;
                """)) == $"{kind}: {text}",
            $"{Name}'s page (Firefox) says \"{text}\"");

    public Task<string> StateAsync() => EvaluateAsync<string>("return window.one2one.state();");

    public Task<MediaReport> MediaAsync() => EvaluateAsync<MediaReport>($"return await ({SoftphonePage.MediaScript})();");

    private async Task WaitForHookAsync() =>
        await Eventually.TrueAsync(() => EvaluateAsync<bool>("return window.one2one !== undefined;"), $"{Name}'s page (Firefox) loaded");

    /// <summary>Types <paramref name="value"/> into a field: the value, then the input event the page listens to.</summary>
    private Task FillAsync(string selector, string value) =>
        EvaluateAsync<bool>($$"""
            const field = document.querySelector({{JsonSerializer.Serialize(selector)}});
            field.value = {{JsonSerializer.Serialize(value)}};
            field.dispatchEvent(new Event('input', { bubbles: true }));
            return true;
            """);

    /// <summary>Clicks a button once it is enabled, as a person can only click an enabled one.</summary>
    private async Task ClickAsync(string selector)
    {
        var script = $"return !document.querySelector({JsonSerializer.Serialize(selector)}).disabled;";
        await Eventually.TrueAsync(() => EvaluateAsync<bool>(script), $"{selector} is enabled on {Name}'s page (Firefox)");
        await EvaluateAsync<bool>($"document.querySelector({JsonSerializer.Serialize(selector)}).click(); return true;");
    }

    private async Task<T> EvaluateAsync<T>(string body)
    {
        var result = await _browser.EvaluateAsync(body, _cancellationToken);
        return result is null ? default! : result.Deserialize<T>(Json)!;
    }
}
