using System.Globalization;
using System.Text;
using NetSim.Protocol.Counters;
using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Output;

/// <summary>
/// Writes counters.csv in long form, one counter a row: <c>scope,name,counter,value</c>, where scope is
/// <c>nic</c> (name host.nic; drop reasons as <c>drop.REASON</c>), <c>host</c> (stack counters), <c>flow</c>
/// (<c>send_failed.ERRNO</c>), or <c>link</c> / <c>switch</c> (name LINK:FROM&gt;TO, counters offered, delivered,
/// in_flight and <c>dropped.REASON</c>). Rows are sorted (scope, name, counter; ordinal), so the file is stable.
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
        // three keys deep (10,000 hosts have about 1.2 M rows in 50,000 groups).
        var groups = new Dictionary<(string Scope, string Name), List<(string Counter, long Value)>>();
        void Add(string scope, string name, string counter, long value)
        {
            if (!groups.TryGetValue((scope, name), out var rows)) groups[(scope, name)] = rows = [];
            rows.Add((counter, value));
        }
        foreach (var n in report.Nics)
        {
            var name = $"{n.Host}.{n.Nic}";
            foreach (var (counter, value) in n.Values()) Add("nic", name, counter, value);
            foreach (var (reason, count) in n.DropReasons) Add("nic", name, NicCounterNames.DropPrefix + reason, count);
        }
        foreach (var f in report.Flows)
            foreach (var (errno, count) in f.SendFailed ?? new Dictionary<string, long>()) Add("flow", f.Name, "send_failed." + errno, count);
        AddWires(Add, "link", report.Links ?? []);
        AddWires(Add, "switch", report.Switches ?? []);
        foreach (var h in report.Hosts)
            foreach (var (counter, value) in h.Counters) Add("host", h.Host, counter, value);

        output.Write("scope,name,counter,value\n");
        var keys = groups.Keys.ToArray();
        Array.Sort(keys, static (a, b) => string.CompareOrdinal(a.Scope, b.Scope) is var c and not 0 ? c : string.CompareOrdinal(a.Name, b.Name));
        foreach (var key in keys)
        {
            var rows = groups[key];
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

    /// <summary>Whether the rows are already in counter order (ties keep their order either way).</summary>
    private static bool IsSorted(List<(string Counter, long Value)> rows)
    {
        for (var i = 1; i < rows.Count; i++)
            if (string.CompareOrdinal(rows[i - 1].Counter, rows[i].Counter) > 0) return false;
        return true;
    }

    private static void AddWires(Action<string, string, string, long> add, string scope, IReadOnlyList<WiresReport> owners)
    {
        foreach (var o in owners)
            foreach (var d in o.Wires)
            {
                var name = $"{o.Name}:{d.From}>{d.To}";
                add(scope, name, "offered", d.Offered);
                add(scope, name, "delivered", d.Delivered);
                add(scope, name, "in_flight", d.InFlight);
                foreach (var (reason, count) in d.Dropped) add(scope, name, "dropped." + reason, count);
            }
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
