using System.Text.RegularExpressions;

namespace NetSim.Experiments.RunFiles;

/// <summary>A metric name with <c>*</c> wildcards (any characters), e.g. <c>flows.*.goodput</c>; without one it names a single metric.</summary>
public sealed class MetricPattern(string pattern)
{
    private readonly Regex _regex = new("^" + string.Join(".+", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant);

    public string Text { get; } = pattern;

    public bool Matches(string metric) => _regex.IsMatch(metric);

    /// <summary>The names among <paramref name="metrics"/> that any of <paramref name="patterns"/> matches, in order.</summary>
    public static List<string> Select(IEnumerable<string> metrics, IEnumerable<MetricPattern> patterns) =>
        [.. metrics.Where(m => patterns.Any(p => p.Matches(m)))];
}
