using System.Globalization;
using System.Net;

namespace One2One.Tests.Support.Lab;

/// <summary>
/// A small internet inside this machine, for calls across NATs and firewalls. Built from Linux network namespaces,
/// veth pairs and nftables; every address is from the documentation ranges, and every packet stays in namespaces
/// the test run made.
/// </summary>
/// <remarks>
/// <para>
/// The "public internet" is the test process's own network namespace: the One2One server, its embedded media server
/// and coturn run in-process or as its children, so they listen on public addresses (203.0.113.0/24, on <c>lo</c>)
/// there. That namespace must not be the machine's own: the lab refuses to run unless the tests were started inside
/// one of their own (<c>unshare -n</c>, as CI does). It has no default route and does not forward, so nothing leaves it.
/// </para>
/// <para>
/// Each <see cref="LabSite"/> (a home, an office) is two namespaces made for it: a router with a public address
/// (198.51.100.0/24, a veth link to the test's namespace) that masquerades its LAN, and a host on that LAN
/// (192.0.2.100/24, as in every home) where a person's Chromium runs.
/// </para>
/// <code>
///   test process namespace ("public")                 site namespaces (one pair per person)
///   203.0.113.x+10  app (https), media server (UDP)    router: wan 198.51.100.y/30, lan 192.0.2.1/24, masquerade
///   203.0.113.x+20  coturn (UDP and TCP)   ── veth ──   [corporate: forwarded UDP from the LAN dropped]
///   198.51.100.y-1/30 per site                         host:   lan 192.0.2.100/24 ── veth ── router
/// </code>
/// <para>
/// Namespaces are named <c>o2o-lab-&lt;pid&gt;-&lt;lab&gt;-&lt;site&gt;-{router,host}</c> (the names are global on
/// the machine) and deleted on dispose; a lab created later deletes those of processes that are gone (a crashed run).
/// </para>
/// </remarks>
public sealed class NetworkLab : IAsyncDisposable
{
    public const string Requirements =
        "the network lab needs root, iproute2 (ip) and nftables (nft), and must run inside a network namespace of its own: " +
        "unshare -n sh -c 'ip link set lo up && exec dotnet test ...' (as CI does); to leave these tests out: --filter \"Category!=Network\"";

    internal const string NamePrefix = "o2o-lab-";
    private const int MaxLabs = 8;
    private const int MaxSitesPerLab = 8;

    private static readonly Lock IndexGate = new();
    private static readonly bool[] IndexInUse = new bool[MaxLabs];
    private static Task? _sweep;

    private readonly int _index;
    private readonly List<LabSite> _sites = [];
    private bool _disposed;

    private NetworkLab(int index, string workDirectory)
    {
        _index = index;
        WorkDirectory = workDirectory;
        Name = $"{NamePrefix}{Environment.ProcessId}-{index}";
    }

    /// <summary>The prefix of this lab's namespace names.</summary>
    public string Name { get; }

    /// <summary>A directory of this lab's own (certificates, browser wrappers, coturn's files); deleted with the lab.</summary>
    public string WorkDirectory { get; }

    /// <summary>The public address of the One2One server and its media server.</summary>
    public IPAddress ServerAddress => Public(10);

    /// <summary>The public address of the TURN server.</summary>
    public IPAddress TurnAddress => Public(20);

    public static async Task<NetworkLab> CreateAsync()
    {
        CheckEnvironment();
        await SweepOnceAsync();
        var index = TakeIndex();
        var workDirectory = Path.Combine(Path.GetTempPath(), $"{NamePrefix}{Environment.ProcessId}-{index}");
        Directory.CreateDirectory(workDirectory);
        var lab = new NetworkLab(index, workDirectory);
        try
        {
            await LabCommand.IpAsync(null, "link set lo up", $"addr replace {lab.ServerAddress}/32 dev lo", $"addr replace {lab.TurnAddress}/32 dev lo");
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>A home: a host behind a router that masquerades it (NAT), as most people's.</summary>
    public Task<LabSite> AddHomeAsync(string name) => AddSiteAsync(name, blocksUdp: false);

    /// <summary>An office whose firewall drops every UDP packet from the LAN to the internet: only TCP gets out.</summary>
    public Task<LabSite> AddCorporateAsync(string name) => AddSiteAsync(name, blocksUdp: true);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var failures = new List<Exception>();
        foreach (var site in _sites)
        {
            try
            {
                await site.DeleteAsync();
            }
            catch (NetworkLabException ex)
            {
                failures.Add(ex);
            }
        }

        try
        {
            // Deleting a site's namespaces deleted its veth pair; the addresses on lo are the lab's last trace here.
            await LabCommand.IpAsync(null, $"addr del {ServerAddress}/32 dev lo", $"addr del {TurnAddress}/32 dev lo");
        }
        catch (NetworkLabException ex)
        {
            failures.Add(ex);
        }

        DeleteDirectory(WorkDirectory);
        lock (IndexGate)
        {
            IndexInUse[_index] = false;
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("The network lab was not entirely cleaned up.", failures);
        }
    }

    private async Task<LabSite> AddSiteAsync(string name, bool blocksUdp)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sites.Count == MaxSitesPerLab)
        {
            throw new InvalidOperationException($"A lab has at most {MaxSitesPerLab} sites.");
        }

        var number = _sites.Count;
        var link = (_index * 32) + (number * 4);
        var site = new LabSite(
            name,
            $"{Name}-{number}-router",
            $"{Name}-{number}-host",
            linkName: $"o2o{_index}-{number}",
            gateway: IPAddress.Parse($"198.51.100.{link + 1}"),
            publicAddress: IPAddress.Parse($"198.51.100.{link + 2}"),
            blocksUdp);
        _sites.Add(site);
        await site.CreateAsync();
        return site;
    }

    private IPAddress Public(int host) => IPAddress.Parse($"203.0.113.{(_index * 32) + host}");

    private static void CheckEnvironment()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            throw new NetworkLabException($"Not root on Linux: {Requirements}.");
        }

        if (NetworkNamespaceOf("self") == NetworkNamespaceOf("1"))
        {
            throw new NetworkLabException($"The tests run in the machine's own network namespace: {Requirements}.");
        }
    }

    private static string? NetworkNamespaceOf(string process)
    {
        try
        {
            return new FileInfo($"/proc/{process}/ns/net").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int TakeIndex()
    {
        lock (IndexGate)
        {
            var free = Array.IndexOf(IndexInUse, false);
            if (free < 0)
            {
                throw new InvalidOperationException($"At most {MaxLabs} network labs at once.");
            }

            IndexInUse[free] = true;
            return free;
        }
    }

    private static Task SweepOnceAsync()
    {
        lock (IndexGate)
        {
            return _sweep ??= SweepAsync();
        }
    }

    /// <summary>Deletes what crashed runs left: namespaces and work directories of processes that no longer exist, and their coturns.</summary>
    private static async Task SweepAsync()
    {
        var listing = await LabCommand.RunAsync("ip", ["netns", "list"]);
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = line.Split(' ')[0];
            if (OwnerIsGone(name))
            {
                await LabCommand.RunAsync("ip", ["netns", "delete", name]);
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), NamePrefix + "*"))
        {
            if (OwnerIsGone(Path.GetFileName(directory)))
            {
                StopLeftoverCoturns(directory);
                DeleteDirectory(directory);
            }
        }
    }

    /// <summary>True for a lab name (<c>o2o-lab-&lt;pid&gt;-…</c>) whose process has exited.</summary>
    private static bool OwnerIsGone(string name)
    {
        if (!name.StartsWith(NamePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var pid = name[NamePrefix.Length..].Split('-')[0];
        return int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && id != Environment.ProcessId
            && !Directory.Exists($"/proc/{id}");
    }

    private static void StopLeftoverCoturns(string directory)
    {
        foreach (var pidFile in Directory.EnumerateFiles(directory, "turnserver.pid", SearchOption.AllDirectories))
        {
            if (!int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // Only if that pid still is a turnserver: pids are reused.
                var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
                if (commandLine.Contains("turnserver", StringComparison.Ordinal) && commandLine.Contains(directory, StringComparison.Ordinal))
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
            {
                // Already gone.
            }
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A file still in use; the next sweep gets it.
        }
    }
}
