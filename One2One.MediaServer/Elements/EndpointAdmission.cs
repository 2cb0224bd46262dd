namespace One2One.MediaServer.Elements;

/// <summary>
/// Server-wide admission of WebRtcEndpoints (<see cref="MediaServerOptions.MaxEndpoints"/>): an endpoint holds the
/// scarce resources (its media session, socket and crypto state), so the limit counts endpoints, whichever session or
/// pipeline they are in. A slot is taken before an endpoint is built and given back exactly once, when the endpoint's
/// media is disposed or its creation fails.
/// Thread-safe without a lock: one counter, changed by compare-and-swap so it never passes the limit; each slot
/// gives itself back at most once.
/// </summary>
internal sealed class EndpointAdmission
{
    private int _admitted;

    public EndpointAdmission(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    /// <summary>No limit (elements driven directly, without options).</summary>
    public static EndpointAdmission Unlimited => new(int.MaxValue);

    public int Limit { get; }

    /// <summary>Slots held right now: endpoints alive or being created.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>A slot for one more endpoint, or null when <see cref="Limit"/> are held.</summary>
    public Slot? TryAdmit()
    {
        var admitted = Volatile.Read(ref _admitted);
        while (true)
        {
            if (admitted >= Limit)
            {
                return null;
            }

            var seen = Interlocked.CompareExchange(ref _admitted, admitted + 1, admitted);
            if (seen == admitted)
            {
                return new Slot(this);
            }

            admitted = seen;
        }
    }

    /// <summary>One admitted endpoint's place; <see cref="Release"/> gives it back once, later calls do nothing.</summary>
    public sealed class Slot
    {
        private EndpointAdmission? _admission;

        internal Slot(EndpointAdmission admission) => _admission = admission;

        public void Release()
        {
            if (Interlocked.Exchange(ref _admission, null) is { } admission)
            {
                Interlocked.Decrement(ref admission._admitted);
            }
        }
    }
}
