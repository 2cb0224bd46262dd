using Microsoft.Extensions.Options;
using One2One.Kurento;

namespace One2One.Server.Media;

/// <summary>
/// The media servers calls may use: the embedded one, the one at <c>Kurento:Uri</c>, or those at <c>Kurento:Uris:0..n</c>.
/// Each call's pipeline goes to the least-loaded server that is not down (<see cref="Lease"/>). A server whose session is
/// lost (it restarted), or that stays unreachable for <see cref="MediaServerLossPolicy.LostAfter"/> while holding calls,
/// is reported through <see cref="MemberLost"/> so its calls end; calls on the others go on.
/// </summary>
/// <remarks>
/// Threading: <see cref="Lease"/> picks and counts under <see cref="_gate"/>, so calls placed at once spread; the members
/// are fixed at start; the monitor loop (one task, on the <see cref="TimeProvider"/>) reads them.
/// </remarks>
internal sealed class MediaServerPool : BackgroundService
{
    private static readonly TimeSpan MonitorPeriod = TimeSpan.FromSeconds(1);

    /// <summary>How long a server past Calls:MediaServerLostAfter has for the one more connection attempt made then.</summary>
    private static readonly TimeSpan LastChance = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly MediaServerLossPolicy _loss;
    private readonly ILogger<MediaServerPool> _logger;

    public MediaServerPool(
        KurentoClient primary,
        IMediaServerLocator primaryLocator,
        IOptions<KurentoOptions> kurento,
        MediaServerLossPolicy loss,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _time = time;
        _loss = loss;
        _logger = loggers.CreateLogger<MediaServerPool>();
        var uris = kurento.Value.Uris;
        var members = new List<MediaServerMember> { new(0, AddressOf(primaryLocator, uris), primary) };
        for (var i = 1; i < uris.Count; i++)
        {
            var client = new KurentoClient(new FixedMediaServerLocator(new Uri(uris[i], UriKind.Absolute)), kurento, time, loggers.CreateLogger<KurentoClient>());
            members.Add(new MediaServerMember(i, LoggedAddress.Of(uris[i]), client));
        }

        Members = members;
        foreach (var member in Members)
        {
            member.Client.SessionLost += (_, e) => ReportLost(member, e.Reason);
        }
    }

    /// <summary>A media server's calls are gone: raised on the client's reconnect path or the monitor; handlers must not block.</summary>
    public event Action<MediaServerMember, string>? MemberLost;

    public IReadOnlyList<MediaServerMember> Members { get; }

    /// <summary>The member with <paramref name="address"/> (as another node of the cluster names it), if this node uses it.</summary>
    public MediaServerMember? Find(string address) => Members.FirstOrDefault(m => m.Address == address);

    /// <summary>A place on <paramref name="member"/> for a call whose media is there already (taken over from a node that died).</summary>
    public MediaServerLease LeaseOn(MediaServerMember member)
    {
        lock (_gate)
        {
            member.Acquire();
            return new MediaServerLease(member);
        }
    }

    /// <summary>
    /// A place for a new call on the least-loaded server that is up and has not refused a call as full lately
    /// (<see cref="NoteFull"/>); failing that, the least-loaded that is up; failing that, any.
    /// </summary>
    public MediaServerLease Lease()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var chosen = LeastLoaded(m => !m.IsDown && !m.IsFull(_time, now)) ?? LeastLoaded(m => !m.IsDown) ?? LeastLoaded(_ => true)!;
            chosen.Acquire();
            return new MediaServerLease(chosen);
        }
    }

    /// <summary>
    /// <paramref name="member"/> refused a call's media as full (40009): for <see cref="FullFor"/> new calls go to the other
    /// servers that are up, if any. The refused call gave its place back, so by count alone it would look the least loaded.
    /// </summary>
    public void NoteFull(MediaServerMember member) => member.MarkFull(_time.GetTimestamp());

    /// <summary>How long a server that refused a call as full is passed over while another can take calls.</summary>
    internal static readonly TimeSpan FullFor = TimeSpan.FromSeconds(10);

    private MediaServerMember? LeastLoaded(Func<MediaServerMember, bool> eligible)
    {
        MediaServerMember? chosen = null;
        foreach (var member in Members)
        {
            if (eligible(member) && (chosen is null || member.ActiveCalls < chosen.ActiveCalls))
            {
                chosen = member;
            }
        }

        return chosen;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // The primary client belongs to the container (CallShutdown closes it); the others are the pool's.
        foreach (var member in Members.Skip(1))
        {
            await member.Client.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Connect every member now, so a server that is down is known before a call would pick it.
        foreach (var member in Members)
        {
            _ = ConnectInBackgroundAsync(member, stoppingToken);
        }

        using var timer = new PeriodicTimer(MonitorPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var lostAfter = _loss.LostAfter;
                foreach (var member in Members)
                {
                    if (member.ActiveCalls == 0)
                    {
                        // Nothing to give up: a later call there gets its own last chance.
                        member.ForgetLastChance();
                    }
                    else if (member.UnreachableFor(_time) is { } down && down >= lostAfter && member.HadLastChance(_time, LastChance))
                    {
                        member.ForgetUnreachable();
                        ReportLost(member, $"unreachable for {down.TotalSeconds:0} s");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static string AddressOf(IMediaServerLocator locator, List<string> uris) =>
        uris.Count > 0 ? LoggedAddress.Of(uris[0]) : locator is ConfiguredMediaServerLocator ? "the configured media server" : "the embedded media server";

    private async Task ConnectInBackgroundAsync(MediaServerMember member, CancellationToken stoppingToken)
    {
        try
        {
            await member.Client.EnsureConnectedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            MediaLog.MediaServerUnreachable(_logger, member.Address, ex.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void ReportLost(MediaServerMember member, string reason)
    {
        MediaLog.MediaServerLost(_logger, member.Address, member.ActiveCalls, reason);
        MemberLost?.Invoke(member, reason);
    }
}
