using System.Threading.RateLimiting;

namespace One2One.Server.Limits;

/// <summary>The answer of our clock-driven limiters: granted, or refused with when to try again.</summary>
internal sealed class LimiterLease : RateLimitLease
{
    public static readonly LimiterLease Granted = new(true, null);

    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    private readonly TimeSpan? _retryAfter;

    private LimiterLease(bool acquired, TimeSpan? retryAfter)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
    }

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : RetryAfterOnly;

    public static LimiterLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } retryAfter && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = retryAfter;
            return true;
        }

        metadata = null;
        return false;
    }
}
