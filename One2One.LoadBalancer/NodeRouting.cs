using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.SessionAffinity;

namespace One2One.LoadBalancer;

/// <summary>
/// YARP's route and cluster for the app nodes. Every request (pages, the hub's negotiate, its WebSocket) goes to one node
/// chosen round-robin; a client's negotiate and the WebSocket that follows it stay on one node by an affinity cookie, and
/// when that node is gone the client is sent to another (the page then resumes there). A node whose <c>/healthz</c> fails
/// twice in a row, or whose connections fail, gets nothing new until it answers again.
/// </summary>
internal static class NodeRouting
{
    public const string ClusterId = "one2one-nodes";

    /// <summary>The affinity cookie: which node a browser's SignalR connection was negotiated with.</summary>
    public const string AffinityCookie = "One2One.Node";

    public static RouteConfig[] Routes() =>
    [
        new RouteConfig { RouteId = "everything", ClusterId = ClusterId, Match = new RouteMatch { Path = "{**catch-all}" } },
    ];

    public static ClusterConfig[] Clusters(LoadBalancerOptions options) =>
    [
        new ClusterConfig
        {
            ClusterId = ClusterId,
            LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
            SessionAffinity = new SessionAffinityConfig
            {
                Enabled = true,
                Policy = SessionAffinityConstants.Policies.HashCookie,
                FailurePolicy = SessionAffinityConstants.FailurePolicies.Redistribute,
                AffinityKeyName = AffinityCookie,
            },
            HealthCheck = new HealthCheckConfig
            {
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = options.HealthInterval,
                    Timeout = options.HealthTimeout,
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = "/healthz",
                },
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true,
                    Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                    ReactivationPeriod = options.HealthInterval * 5,
                },
            },
            Destinations = options.Nodes.Select((node, i) => (Name: $"node-{i}", Node: node))
                .ToDictionary(d => d.Name, d => new DestinationConfig { Address = d.Node.ToString() }, StringComparer.Ordinal),
        },
    ];
}
