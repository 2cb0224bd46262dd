namespace One2One.LoadTest.Reporting;

/// <summary>What a scenario found: the lines to print, and whether everything it tried succeeded.</summary>
internal interface ILoadReport
{
    bool Clean { get; }

    IEnumerable<string> Describe();
}
