using Xunit.Abstractions;

namespace One2One.Tests.Support.Cluster;

/// <summary>
/// A test class whose every test gets its own <see cref="MultiProcessCluster"/>, started by the given start; what the
/// nodes said (warnings and worse) goes to the test's output, for a failing test.
/// </summary>
public abstract class MultiProcessClusterTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private readonly Func<Task<MultiProcessCluster>> _start;

    private protected MultiProcessClusterTests(ITestOutputHelper output, Func<Task<MultiProcessCluster>> start)
    {
        _output = output;
        _start = start;
    }

    private protected MultiProcessCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await _start();

    public async Task DisposeAsync()
    {
        _output.WriteLine(Cluster.Logs);
        await Cluster.DisposeAsync();
    }
}
