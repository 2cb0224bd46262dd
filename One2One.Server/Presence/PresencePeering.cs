using Microsoft.Extensions.Options;
using One2One.Server.Cluster;

namespace One2One.Server.Presence;

/// <summary>
/// Joins this node to the cluster's presence (<see cref="PresenceService"/>): once its silo is up, it enters the node
/// directory, connects with every other live node both ways (each then sends the other its names, then its changes),
/// and forgets the names of a node that dies. Nothing in a cluster of one, or with presence off.
/// </summary>
internal sealed class PresencePeering(
    PresenceService presence,
    NodeDeaths deaths,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<ClusterNodeOptions> cluster,
    TimeProvider time,
    ILogger<PresencePeering> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    // Orleans holds an observer weakly: this keeps this node's presence reachable for the process's life.
    private readonly PresenceLink _local = new(presence);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!presence.Enabled || !cluster.Value.IsClustered)
        {
            return;
        }

        deaths.Died += presence.Disconnect;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var link = grains.CreateObjectReference<INodePresence>(_local);
                var others = await grains.GetGrain<INodeDirectoryGrain>(INodeDirectoryGrain.Key).Join(silo.SiloAddress, link).WaitAsync(stoppingToken).ConfigureAwait(false);
                foreach (var other in others)
                {
                    presence.Connect(other.Node, other.Presence);
                    await ConnectQuietlyAsync(other, link).ConfigureAwait(false);
                }

                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The silo is still starting, or the directory's node is dying: try again.
                PresenceLog.JoinFailed(logger, ex.Message);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ConnectQuietlyAsync(NodeEntry other, INodePresence link)
    {
        try
        {
            await other.Presence.Join(silo.SiloAddress, link).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Dying: its death removes it; alive, it connects to this node when it next starts.
            PresenceLog.PeerUnreachable(logger, ex.Message);
        }
    }
}
