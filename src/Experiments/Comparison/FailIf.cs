using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Experiments.RunFiles;

namespace NetSim.Experiments.Comparison;

/// <summary>
/// A regression gate: <c>METRIC OP NUMBER[%]</c>, e.g. <c>flows.f1.goodput &lt; -5%</c> (relative change from A to B
/// below -5%) or <c>flows.*.lost &gt; 10</c> (absolute change above 10). OP is one of &lt; &lt;= &gt; &gt;= == !=;
/// <c>*</c> in the metric matches anything. It fires when the change of any matching metric satisfies it.
/// </summary>
public sealed partial class FailIf
{
    [GeneratedRegex(@"^\s*(?<metric>[^\s<>=!]+)\s*(?<op><=|>=|==|!=|<|>)\s*(?<value>[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*(?<percent>%)?\s*$")]
    private static partial Regex Grammar();

    private FailIf(string text, MetricPattern metric, string op, double bound, bool relative) =>
        (Text, Metric, Operator, Bound, Relative) = (text, metric, op, bound, relative);

    public string Text { get; }
    public MetricPattern Metric { get; }
    public string Operator { get; }
    public double Bound { get; }
    public bool Relative { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> saying what is expected.</summary>
    public static FailIf Parse(string text)
    {
        var m = Grammar().Match(text);
        if (!m.Success)
            throw new FormatException($"--fail-if '{text}': expected METRIC OP NUMBER[%], e.g. 'flows.f1.goodput < -5%' (OP: < <= > >= == !=)");
        return new FailIf(text.Trim(), new MetricPattern(m.Groups["metric"].Value), m.Groups["op"].Value,
            double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture), m.Groups["percent"].Success);
    }

    /// <summary>The changes this gate looks at (metrics matching it present in both results).</summary>
    public IEnumerable<MetricChange> Watched(IEnumerable<MetricChange> changes) =>
        changes.Where(c => Metric.Matches(c.Metric) || Metric.Matches(c.Key));

    /// <summary>The watched changes that satisfy the condition.</summary>
    public IReadOnlyList<MetricChange> Fired(IEnumerable<MetricChange> changes) =>
        [.. Watched(changes).Where(c => (Relative ? c.RelativePercent : c.Absolute) is { } v && Holds(v))];

    private bool Holds(double v) => Operator switch
    {
        "<" => v < Bound,
        "<=" => v <= Bound,
        ">" => v > Bound,
        ">=" => v >= Bound,
        "==" => v == Bound,
        _ => v != Bound,
    };
}
