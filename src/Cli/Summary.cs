using System.Globalization;
using NetSim.Scenario.Reports;
using NetSim.Scenario.Running;
using Spectre.Console;

namespace NetSim.Cli;

/// <summary>The table printed at the end of a run: NICs, wires (link directions, switch ports), flows and expectations.</summary>
internal static class Summary
{
    public static void Write(RunResult result, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
        });
        var r = result.Report;

        var nics = new Table().Title("NICs").AddColumns("nic", "rx pkts", "rx bytes", "rx err", "tx pkts", "tx bytes", "tx drop", "queued", "drop reasons");
        foreach (var n in r.Nics)
            nics.AddRow($"{n.Host}.{n.Nic}", N(n.RxPackets), N(n.RxBytes), N(n.RxErrors), N(n.TxPackets), N(n.TxBytes), N(n.TxDropped), N(n.Queued),
                Markup.Escape(string.Join(" ", n.DropReasons.Select(d => $"{d.Key}={d.Value}"))));
        console.Write(nics);

        var owners = (r.Links ?? []).Concat(r.Switches ?? []).ToList();
        if (owners.Count > 0)
        {
            var wires = new Table().Title("Wires").AddColumns("link/switch", "from -> to", "offered", "delivered", "in flight", "dropped");
            foreach (var o in owners)
                foreach (var w in o.Wires)
                    wires.AddRow(Markup.Escape(o.Name), Markup.Escape($"{w.From} -> {w.To}"), N(w.Offered), N(w.Delivered), N(w.InFlight),
                        Markup.Escape(string.Join(" ", w.Dropped.Select(d => $"{d.Key}={d.Value}"))));
            console.Write(wires);
        }

        if (r.Bridges.Count > 0)
        {
            var bridges = new Table().Title("Bridges").AddColumns("bridge", "device", "from kernel pkts", "bytes", "to kernel pkts", "bytes", "dropped", "drop reasons");
            foreach (var b in r.Bridges)
                bridges.AddRow(b.Name, Markup.Escape(b.Netns is null ? b.Device : $"{b.Netns}/{b.Device}"), N(b.FromKernelFrames), N(b.FromKernelBytes),
                    N(b.ToKernelFrames), N(b.ToKernelBytes), N(b.Dropped), Markup.Escape(string.Join(" ", b.DropReasons.Select(d => $"{d.Key}={d.Value}"))));
            console.Write(bridges);
        }

        if (r.Flows.Count > 0)
        {
            var flows = new Table().Title("Flows").AddColumns("flow", "kind", "sent", "recv", "lost", "dup", "reord", "rtt min/mean/p99/max ms");
            foreach (var f in r.Flows)
                flows.AddRow(f.Name, f.Kind, N(f.Sent), N(f.Received), N(f.Lost), N(f.Duplicated), N(f.Reordered),
                    f.Rtt is { } t ? $"{Ms(t.Min)}/{Ms(t.Mean)}/{Ms(t.P99)}/{Ms(t.Max)}" : "-");
            console.Write(flows);
        }

        if (r.Expectations.Count > 0)
        {
            var expectations = new Table().Title("Expectations").AddColumns("expect", "subject", "condition", "observed", "verdict");
            foreach (var e in r.Expectations)
                expectations.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Subject), Markup.Escape(e.Condition),
                    e.Observed?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-",
                    e.Verdict == Verdict.Pass ? "[green]pass[/]" : $"[red]{e.Verdict.ToString().ToLowerInvariant()}[/]");
            console.Write(expectations);
        }
        console.MarkupLine(r.Passed ? "[green]all expectations held[/]" : "[red]an expectation failed[/]");
    }

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
}
