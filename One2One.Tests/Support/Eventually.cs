namespace One2One.Tests.Support;

/// <summary>
/// Retries a check until it holds, for state that settles asynchronously after the event a test waits for
/// (a name freed after a disconnect, a pipeline released after a hang-up). Fails after a generous limit.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <param name="limit"><see cref="Limit"/> when null; longer for what follows a node's death (declared in seconds).</param>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? Limit);
        while (true)
        {
            var value = await attempt();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? limit = null)
    {
        var result = await ReturnsAsync(condition, static ok => ok, limit);
        result.Should().BeTrue(because);
    }

    public static Task TrueAsync(Func<bool> condition, string because) =>
        TrueAsync(() => Task.FromResult(condition()), because);
}
