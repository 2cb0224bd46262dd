namespace One2One.LoadBalancer;

/// <summary>The "LoadBalancer" section: the app nodes behind this load balancer and how it watches them.</summary>
public sealed class LoadBalancerOptions
{
    public const string SectionName = "LoadBalancer";

    /// <summary>Each app node's base address (e.g. <c>http://10.0.0.11:5000</c>); at least one.</summary>
    public List<Uri> Nodes { get; } = [];

    /// <summary>How often each node's <c>/healthz</c> is asked; a node that fails twice in a row gets no new connections.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a node's <c>/healthz</c> may take to answer before it counts as a failure.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
