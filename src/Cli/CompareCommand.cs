using System.CommandLine;
using System.Globalization;
using NetSim.Experiments.Comparison;
using NetSim.Experiments.RunFiles;

namespace NetSim.Cli;

/// <summary>
/// <c>netsim compare DIR_A DIR_B [--fail-if 'METRIC OP N[%]']...</c>: every metric that differs between two runs or
/// two sweeps, with absolute and relative change. Exit 0; 1 when a --fail-if fires (a regression gate for CI);
/// 2 for a folder that is neither, a bad expression, or one that matches no metric.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var a = new Argument<DirectoryInfo>("dir-a") { Description = "The baseline: a run's folder (report.json) or a sweep's (sweep-summary.csv)." };
        var b = new Argument<DirectoryInfo>("dir-b") { Description = "The result compared with it." };
        var failIf = new Option<string[]>("--fail-if")
        {
            Description = "Exit 1 when a change satisfies this, e.g. 'flows.f1.goodput < -5%' (relative) or 'flows.*.lost > 10' (absolute); repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var compare = new Command("compare", "Show every metric that differs between two runs or sweeps; optionally fail on a regression.") { a, b, failIf };
        compare.SetAction(r => Run(r.GetValue(a)!.FullName, r.GetValue(b)!.FullName, r.GetValue(failIf) ?? [], output, error));
        return compare;
    }

    private static int Run(string folderA, string folderB, string[] failIf, TextWriter output, TextWriter error)
    {
        List<FailIf> gates;
        IReadOnlyList<MetricChange> changes;
        try
        {
            gates = [.. failIf.Select(FailIf.Parse)];
            changes = RunComparison.Compare(folderA, folderB);
        }
        catch (Exception e) when (e is FormatException or RunFolderException)
        {
            error.WriteLine($"netsim compare: {e.Message}");
            return NetSimCommand.BadInput;
        }
        foreach (var g in gates.Where(g => !g.Watched(changes).Any()))
        {
            error.WriteLine($"netsim compare: --fail-if '{g.Text}': no metric matches '{g.Metric.Text}' (e.g. {string.Join(", ", changes.Take(3).Select(c => c.Metric))})");
            return NetSimCommand.BadInput;
        }

        var differing = changes.Where(c => c.Differs).ToList();
        var rows = differing.Select(c => new[] { c.Key, N(c.A), N(c.B), N(c.Absolute), Percent(c.RelativePercent) }).ToList();
        string[] header = ["metric", "A", "B", "change", "relative"];
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        if (rows.Count > 0)
        {
            output.WriteLine(Line(header));
            foreach (var r in rows) output.WriteLine(Line(r));
        }
        output.WriteLine($"{differing.Count} of {changes.Count} metrics differ");

        var fired = false;
        foreach (var g in gates)
        {
            var hits = g.Fired(changes);
            if (hits.Count == 0) { output.WriteLine($"fail-if '{g.Text}': holds for none"); continue; }
            fired = true;
            foreach (var h in hits)
                output.WriteLine($"fail-if '{g.Text}': FIRED by {h.Key} ({N(h.A)} -> {N(h.B)}, {(g.Relative ? Percent(h.RelativePercent) : N(h.Absolute))})");
        }
        return fired ? NetSimCommand.ExpectationFailed : NetSimCommand.Ok;
    }

    private static string N(double? v) => v is { } d ? d.ToString("0.######", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? v) => v switch
    {
        null => "-",
        double.PositiveInfinity => "+inf%",
        double.NegativeInfinity => "-inf%",
        { } d => d.ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture) + "%",
    };
}
