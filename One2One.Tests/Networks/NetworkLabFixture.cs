using Microsoft.Playwright;
using One2One.Server.Ice;
using One2One.Tests.EndToEnd;
using One2One.Tests.Support;
using One2One.Tests.Support.Lab;
using One2One.Tests.Support.Turn;
using Xunit.Abstractions;

namespace One2One.Tests.Networks;

/// <summary>
/// The lab the network tests share: Alice's home, Bob's home and Bob's office (UDP blocked), each behind its own
/// router, with a Chromium running in each; coturn on the public side. Each test starts its own One2One server
/// (<see cref="StartScene"/>) on the public address, so tests differ in settings without rebuilding the lab.
/// </summary>
public sealed class NetworkLabFixture : IAsyncLifetime
{
    private readonly string _turnSecret = $"lab-{Guid.NewGuid():N}";
    private readonly Dictionary<LabSite, IBrowser> _browsers = [];
    private NetworkLab? _lab;
    private Coturn? _coturn;
    private IPlaywright? _playwright;

    public NetworkLab Lab => _lab ?? throw new InvalidOperationException("The lab is not built.");

    internal Coturn Coturn => _coturn ?? throw new InvalidOperationException("coturn is not started.");

    public LabSite AliceHome { get; private set; } = null!;

    public LabSite BobHome { get; private set; } = null!;

    /// <summary>An office whose firewall drops outbound UDP.</summary>
    public LabSite BobOffice { get; private set; } = null!;

    /// <summary>The Chromium running at <paramref name="site"/>.</summary>
    public IBrowser BrowserAt(LabSite site) => _browsers[site];

    public async Task InitializeAsync()
    {
        try
        {
            _lab = await NetworkLab.CreateAsync();
            AliceHome = await _lab.AddHomeAsync("alice-home");
            BobHome = await _lab.AddHomeAsync("bob-home");
            BobOffice = await _lab.AddCorporateAsync("bob-office");
            _coturn = await Coturn.StartAsync(_lab.TurnAddress, _turnSecret, _lab.WorkDirectory);
            _playwright = await Playwright.CreateAsync();
            var sites = new[] { AliceHome, BobHome, BobOffice };
            var browsers = await Task.WhenAll(sites.Select(site => NamespacedChromium.LaunchAsync(_playwright, site, _lab.WorkDirectory, _lab.ServerAddress.ToString(), _lab.TurnAddress.ToString())));
            for (var i = 0; i < sites.Length; i++)
            {
                _browsers[sites[i]] = browsers[i];
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A scene whose server is reachable on the lab's public address over https (a self-signed certificate), with
    /// the media server bound to and announcing that address, coturn as STUN and TURN (UDP and TCP), and
    /// <paramref name="policy"/> for the pages.
    /// </summary>
    internal CallScene StartScene(ITestOutputHelper output, string scenario, IceTransportPolicy policy = IceTransportPolicy.All,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = new One2OneServerFactory()
            .WithSetting("urls", $"https://{Lab.ServerAddress}:0")
            .WithSetting("Https:SelfSignedCertificatePath", Path.Combine(Lab.WorkDirectory, "https.pfx"))
            .WithSetting("MediaServer:BindAddress", Lab.ServerAddress.ToString())
            .WithSetting("Ice:StunUrls:0", $"stun:{Coturn.Endpoint}")
            .WithSetting("Turn:Urls:0", Coturn.Url("udp"))
            .WithSetting("Turn:Urls:1", Coturn.Url("tcp"))
            .WithSetting("Turn:SharedSecret", Coturn.SharedSecret)
            .WithSetting("Ice:TransportPolicy", policy.ToString());
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            server.WithSetting(key, value);
        }

        output.WriteLine($"lab: server https://{Lab.ServerAddress}, coturn {Coturn.Endpoint}; {AliceHome}; {BobHome}; {BobOffice}");
        return CallScene.Start(server, _browsers[AliceHome], output, scenario);
    }

    public async Task DisposeAsync()
    {
        foreach (var browser in _browsers.Values)
        {
            await browser.DisposeAsync();
        }

        _browsers.Clear();
        _playwright?.Dispose();
        _playwright = null;
        if (_coturn is not null)
        {
            await _coturn.DisposeAsync();
            _coturn = null;
        }

        if (_lab is not null)
        {
            await _lab.DisposeAsync();
            _lab = null;
        }
    }
}

/// <summary>
/// The network tests share one lab and run one at a time (each holds a real call with real media), and not beside other
/// tests: xUnit runs this collection after the parallel ones, alone. Their limits are the wall-clock promises
/// (media back within 5 s of a network change or a reload); with a dozen other browser tests sharing two cores they
/// measured the machine's load, not the reconnect.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkLabCollection : ICollectionFixture<NetworkLabFixture>
{
    public const string Name = "Network lab";
}
