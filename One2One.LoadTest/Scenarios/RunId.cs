namespace One2One.LoadTest.Scenarios;

/// <summary>A short random prefix for the user names of one run, so runs against a shared server never collide.</summary>
internal static class RunId
{
    public static string New() => "load" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 3));
}
