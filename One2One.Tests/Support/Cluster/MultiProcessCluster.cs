using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using One2One.LoadBalancer;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support.Redis;

namespace One2One.Tests.Support.Cluster;

/// <summary>
/// One2One as it runs on several machines, on this one: a real redis-server, a standalone media server, two app nodes (or
/// three) as separate processes in one cluster over that Redis (membership, grain storage, the SignalR backplane), and the
/// load balancer (<see cref="LoadBalancerApp"/>, YARP) in front of them. Its own cluster id, so clusters never meet.
/// </summary>
internal sealed class MultiProcessCluster : IAsyncDisposable
{
    private readonly StandaloneMediaServer _media;
    private readonly WebApplication _loadBalancer;

    private readonly AppNodeProcess? _c;

    private MultiProcessCluster(RedisServer redis, StandaloneMediaServer media, AppNodeProcess a, AppNodeProcess b, AppNodeProcess? c, WebApplication loadBalancer)
    {
        Redis = redis;
        _media = media;
        A = a;
        B = b;
        _c = c;
        _loadBalancer = loadBalancer;
        LoadBalancer = AddressOf(loadBalancer);
    }

    public RedisServer Redis { get; }

    public AppNodeProcess A { get; }

    public AppNodeProcess B { get; }

    /// <summary>The third node, when started with one.</summary>
    public AppNodeProcess C => _c ?? throw new InvalidOperationException("This cluster was started with two nodes.");

    /// <summary>What every node said (warnings and worse), for a failing test.</summary>
    public string Logs => $"node a:\n{A.Log}\nnode b:\n{B.Log}" + (_c is null ? "" : $"\nnode c:\n{_c.Log}");

    /// <summary>The load balancer's address: what browsers are given.</summary>
    public Uri LoadBalancer { get; }

    public Uri LoadBalancedHubUri => new(LoadBalancer, "one2one");

    /// <summary>Call records in Redis (Orleans keeps each grain's state under a key naming its grain type).</summary>
    public async Task<int> StoredCallRecordsAsync()
    {
        var reply = await Redis.CommandAsync("KEYS *callrecord*");
        return reply.StartsWith('*') ? int.Parse(reply.AsSpan(1), CultureInfo.InvariantCulture) : throw new InvalidOperationException(reply);
    }

    /// <summary>The pipelines the media server holds now, asked over its control protocol.</summary>
    public async Task<IReadOnlyList<string>> PipelinesAsync()
    {
        await using var client = KurentoTestClient.Create(_media.KurentoUri);
        return await client.GetPipelineIdsAsync();
    }

    /// <param name="reconnectWindow">Calls:ReconnectWindow on both nodes.</param>
    /// <param name="nodeSettings">More settings for both nodes (e.g. the pages' test hooks).</param>
    /// <param name="thirdNode">Starts a third app node, <see cref="C"/>.</param>
    public static async Task<MultiProcessCluster> StartAsync(TimeSpan reconnectWindow, IReadOnlyDictionary<string, string>? nodeSettings = null, bool thirdNode = false)
    {
        // What started so far is stopped if a later step fails: a node process left behind would outlive the test run.
        var started = new Stack<IAsyncDisposable>();
        try
        {
            return await StartAsync(reconnectWindow, nodeSettings, thirdNode, started);
        }
        catch
        {
            while (started.TryPop(out var part))
            {
                await part.DisposeAsync();
            }

            throw;
        }
    }

    private static async Task<MultiProcessCluster> StartAsync(
        TimeSpan reconnectWindow, IReadOnlyDictionary<string, string>? nodeSettings, bool thirdNode, Stack<IAsyncDisposable> started)
    {
        var redis = await RedisServer.StartAsync();
        started.Push(redis);
        var media = await StandaloneMediaServer.StartAsync();
        started.Push(media);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Cluster:Redis"] = redis.ConnectionString,
            ["Cluster:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["Kurento:Uri"] = media.KurentoUri.ToString(),
            ["Calls:ReconnectWindow"] = reconnectWindow.ToString("c", CultureInfo.InvariantCulture),

            // A killed node is declared dead within seconds rather than Orleans' production minute.
            ["Cluster:Membership:ProbeTimeout"] = "00:00:01",
            ["Cluster:Membership:NumMissedProbesLimit"] = "2",
            ["Cluster:Membership:NumVotesForDeathDeclaration"] = "1",
            ["Cluster:Membership:TableRefreshTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in nodeSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var a = await AppNodeProcess.StartAsync("a", settings);
        started.Push(a);
        var b = await AppNodeProcess.StartAsync("b", settings);
        started.Push(b);
        var c = thirdNode ? await AppNodeProcess.StartAsync("c", settings) : null;
        if (c is not null)
        {
            started.Push(c);
        }

        string[] nodes = c is null
            ? [$"--LoadBalancer:Nodes:0={a.BaseAddress}", $"--LoadBalancer:Nodes:1={b.BaseAddress}"]
            : [$"--LoadBalancer:Nodes:0={a.BaseAddress}", $"--LoadBalancer:Nodes:1={b.BaseAddress}", $"--LoadBalancer:Nodes:2={c.BaseAddress}"];
        var loadBalancer = LoadBalancerApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. nodes, "--LoadBalancer:HealthInterval=00:00:00.500"]);
        started.Push(loadBalancer);
        await loadBalancer.StartAsync();
        return new MultiProcessCluster(redis, media, a, b, c, loadBalancer);
    }

    public async ValueTask DisposeAsync()
    {
        await _loadBalancer.DisposeAsync();
        if (_c is not null)
        {
            await _c.DisposeAsync();
        }

        await B.DisposeAsync();
        await A.DisposeAsync();
        await _media.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
}
