namespace One2One.Server.Calls;

/// <summary>
/// Runs sends to another node one after another, in the order they were handed over, each starting once the one before
/// has finished (successfully or not). What one side of a cross-node call sends thus arrives in order.
/// </summary>
/// <remarks>Thread-safe: the tail of the chain is swapped under <see cref="_gate"/>.</remarks>
internal sealed class OrderedSender
{
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    public Task<T> Send<T>(Func<Task<T>> send)
    {
        lock (_gate)
        {
            var sent = AfterAsync(_tail, send);
            _tail = sent;
            return sent;
        }
    }

    public Task Send(Func<Task> send) => Send(async () =>
    {
        await send().ConfigureAwait(false);
        return true;
    });

    private static async Task<T> AfterAsync<T>(Task previous, Func<Task<T>> send)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        catch
        {
            // The previous send's caller sees its failure; this one goes ahead.
        }

        return await send().ConfigureAwait(false);
    }
}
