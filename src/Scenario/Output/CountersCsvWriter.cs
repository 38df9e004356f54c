using System.Globalization;
using System.Text;
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
        var rows = new List<(string Scope, string Name, string Counter, long Value)>();
        foreach (var n in report.Nics)
        {
            var name = $"{n.Host}.{n.Nic}";
            rows.Add(("nic", name, "rx_packets", n.RxPackets));
            rows.Add(("nic", name, "rx_bytes", n.RxBytes));
            rows.Add(("nic", name, "rx_dropped", n.RxDropped));
            rows.Add(("nic", name, "rx_errors", n.RxErrors));
            rows.Add(("nic", name, "tx_packets", n.TxPackets));
            rows.Add(("nic", name, "tx_bytes", n.TxBytes));
            rows.Add(("nic", name, "tx_dropped", n.TxDropped));
            rows.Add(("nic", name, "tx_errors", n.TxErrors));
            rows.Add(("nic", name, "queued", n.Queued));
            foreach (var (reason, count) in n.DropReasons) rows.Add(("nic", name, "drop." + reason, count));
        }
        foreach (var f in report.Flows)
            foreach (var (errno, count) in f.SendFailed ?? new Dictionary<string, long>()) rows.Add(("flow", f.Name, "send_failed." + errno, count));
        AddWires(rows, "link", report.Links ?? []);
        AddWires(rows, "switch", report.Switches ?? []);
        foreach (var h in report.Hosts)
            foreach (var (counter, value) in h.Counters) rows.Add(("host", h.Host, counter, value));

        var sb = new StringBuilder("scope,name,counter,value\n");
        foreach (var r in rows.OrderBy(r => r.Scope, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Counter, StringComparer.Ordinal))
            sb.Append(Field(r.Scope)).Append(',').Append(Field(r.Name)).Append(',').Append(Field(r.Counter)).Append(',')
              .Append(r.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    private static void AddWires(List<(string, string, string, long)> rows, string scope, IReadOnlyList<WiresReport> owners)
    {
        foreach (var o in owners)
            foreach (var d in o.Wires)
            {
                var name = $"{o.Name}:{d.From}>{d.To}";
                rows.Add((scope, name, "offered", d.Offered));
                rows.Add((scope, name, "delivered", d.Delivered));
                rows.Add((scope, name, "in_flight", d.InFlight));
                foreach (var (reason, count) in d.Dropped) rows.Add((scope, name, "dropped." + reason, count));
            }
    }

    /// <summary>Writes the CSV to a file (UTF-8, no BOM).</summary>
    public static void Write(RunReport report, string path) => File.WriteAllText(path, ToCsv(report), new UTF8Encoding(false));

    private static string Field(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
