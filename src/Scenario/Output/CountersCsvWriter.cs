using System.Globalization;
using System.Text;
using NetSim.Protocol.Counters;
using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Output;

/// <summary>
/// Writes counters.csv in long form, one counter a row: <c>scope,name,counter,value</c>, where scope is
/// <c>nic</c> (name host.nic; drop reasons as <c>drop.REASON</c>), <c>host</c> (stack counters), <c>flow</c>
/// (<c>send_failed.ERRNO</c>), or <c>link</c> / <c>switch</c> (name LINK:FROM&gt;TO, counters offered, delivered,
/// in_flight and <c>dropped.REASON</c>), or <c>bridge</c> (name the bridge's; from_kernel_frames/bytes,
/// to_kernel_frames/bytes, dropped and <c>drop.REASON</c>). Rows are sorted (scope, name, counter; ordinal), so the file is stable.
/// </summary>
public static class CountersCsvWriter
{
    /// <summary>The CSV text ('\n' line ends, header first).</summary>
    public static string ToCsv(RunReport report)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(report, text);
        return text.ToString();
    }

    /// <summary>Writes the CSV to <paramref name="output"/> as it goes (a million hosts make about 130 million rows:
    /// more than one string can hold).</summary>
    public static void Write(RunReport report, TextWriter output)
    {
        // Rows by (scope, name), each group's rows in the order added: sorting the groups, then each group by counter
        // (stable), gives the order of one stable sort by (scope, name, counter) without comparing a million rows
        // three keys deep (10,000 hosts have about 1.2 M rows in 50,000 groups). A group keeps where its rows come
        // from, read when it is written, not a copy of them: a copy of every row was 2-3 KB a host.
        var groups = new Dictionary<(string Scope, string Name), List<IEnumerable<(string Counter, long Value)>>>();
        void Add(string scope, string name, IEnumerable<(string Counter, long Value)> rows)
        {
            if (!groups.TryGetValue((scope, name), out var sources)) groups[(scope, name)] = sources = new(1);
            sources.Add(rows);
        }
        foreach (var n in report.Nics)
            Add("nic", $"{n.Host}.{n.Nic}", n.Values().Concat(n.DropReasons.Select(d => (NicCounterNames.DropPrefix + d.Key, d.Value))));
        foreach (var f in report.Flows)
            if (f.SendFailed is { Count: > 0 } failed) Add("flow", f.Name, failed.Select(e => ("send_failed." + e.Key, e.Value)));
        AddWires(Add, "link", report.Links ?? []);
        AddWires(Add, "switch", report.Switches ?? []);
        foreach (var h in report.Hosts)
            Add("host", h.Host, h.Counters.Select(c => (c.Key, c.Value)));
        foreach (var b in report.Bridges)
            Add("bridge", b.Name, BridgeRows(b));

        output.Write("scope,name,counter,value\n");
        var keys = groups.Keys.ToArray();
        Array.Sort(keys, static (a, b) => string.CompareOrdinal(a.Scope, b.Scope) is var c and not 0 ? c : string.CompareOrdinal(a.Name, b.Name));
        foreach (var key in keys)
        {
            var sources = groups[key];
            List<(string Counter, long Value)> rows = [.. sources.SelectMany(r => r)];
            var scope = Field(key.Scope);
            var name = Field(key.Name);
            foreach (var (counter, value) in IsSorted(rows) ? (IEnumerable<(string Counter, long Value)>)rows : rows.OrderBy(r => r.Counter, StringComparer.Ordinal))
            {
                output.Write(scope);
                output.Write(',');
                output.Write(name);
                output.Write(',');
                output.Write(Field(counter));
                output.Write(',');
                output.Write(value.ToString(CultureInfo.InvariantCulture));
                output.Write('\n');
            }
        }
    }

    /// <summary>A bridge's counters, named as report.json names them in snake case (as the NIC rows are).</summary>
    private static IEnumerable<(string Counter, long Value)> BridgeRows(BridgeReport b)
    {
        yield return ("from_kernel_frames", b.FromKernelFrames);
        yield return ("from_kernel_bytes", b.FromKernelBytes);
        yield return ("to_kernel_frames", b.ToKernelFrames);
        yield return ("to_kernel_bytes", b.ToKernelBytes);
        yield return ("dropped", b.Dropped);
        foreach (var d in b.DropReasons) yield return (NicCounterNames.DropPrefix + d.Key, d.Value);
    }

    /// <summary>Whether the rows are already in counter order (ties keep their order either way).</summary>
    private static bool IsSorted(List<(string Counter, long Value)> rows)
    {
        for (var i = 1; i < rows.Count; i++)
            if (string.CompareOrdinal(rows[i - 1].Counter, rows[i].Counter) > 0) return false;
        return true;
    }

    private static void AddWires(Action<string, string, IEnumerable<(string Counter, long Value)>> add, string scope, IReadOnlyList<WiresReport> owners)
    {
        foreach (var o in owners)
            foreach (var d in o.Wires)
                add(scope, $"{o.Name}:{d.From}>{d.To}", WireRows(d));
    }

    private static IEnumerable<(string Counter, long Value)> WireRows(WireReport d)
    {
        yield return ("offered", d.Offered);
        yield return ("delivered", d.Delivered);
        yield return ("in_flight", d.InFlight);
        foreach (var (reason, count) in d.Dropped) yield return ("dropped." + reason, count);
    }

    /// <summary>Writes the CSV to a file (UTF-8, no BOM).</summary>
    public static void Write(RunReport report, string path)
    {
        using var file = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        Write(report, file);
    }

    private static string Field(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
