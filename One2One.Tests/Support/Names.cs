namespace One2One.Tests.Support;

/// <summary>Unique user names, so tests sharing a server never collide.</summary>
public static class Names
{
    private static int _next;

    public static string Unique(string name) => $"{name}-{Interlocked.Increment(ref _next)}";
}
