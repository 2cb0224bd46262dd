using System.Globalization;

namespace One2One.Tests.Observability.Support;

/// <summary>A Prometheus text exposition, read into series: <c>name{labels}</c> → value (comments skipped).</summary>
internal sealed class PrometheusScrape
{
    private readonly Dictionary<string, double> _series = new(StringComparer.Ordinal);

    public PrometheusScrape(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            _series[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
    }

    public string Text => string.Join('\n', _series.Select(s => $"{s.Key} {s.Value}"));

    /// <summary>The sum over the series of <paramref name="name"/> whose labels include every one of <paramref name="labels"/> (e.g. <c>reason="hung-up"</c>).</summary>
    public double Sum(string name, params string[] labels) =>
        _series.Where(s => (s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)) && labels.All(s.Key.Contains)).Sum(s => s.Value);

    public bool Has(string name) => _series.Keys.Any(k => k == name || k.StartsWith(name + "{", StringComparison.Ordinal));
}
