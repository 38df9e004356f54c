using System.Text;
using System.Text.Json;
using NetSim.Scenario.Reports;
using NetSim.Actors.Time;

namespace NetSim.Scenario.Output;

/// <summary>
/// Writes report.json. The layout is fixed by hand (not by reflection): properties in a stable order, lists in the
/// order given, maps sorted by key (ordinal), durations as milliseconds, numbers in invariant form, '\n' line ends.
/// The same report always gives the same bytes.
/// </summary>
public static class ReportWriter
{
    /// <summary>Writes the report as UTF-8 JSON (no BOM) to a stream.</summary>
    public static void Write(RunReport report, Stream stream)
    {
        // Relaxed escaping: conditions such as "rtt-max <= 10" stay readable (the file is data, never embedded in HTML).
        var options = new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var w = new Utf8JsonWriter(stream, options);
        w.WriteStartObject();
        w.WriteString("scenario", report.Scenario);
        w.WriteNumber("seed", report.Seed);
        w.WriteString("timeMode", report.TimeMode == TimeMode.Virtual ? "virtual" : "real");
        w.WriteNumber("durationMs", report.Duration.TotalMilliseconds);
        w.WriteBoolean("passed", report.Passed);
        w.WriteBoolean("interrupted", report.Interrupted);
        if (report.Interrupted) w.WriteNumber("reachedMs", report.Reached.TotalMilliseconds);
        if (report.Failure is { } failure) w.WriteString("failure", failure);

        w.WriteStartArray("nics");
        foreach (var n in report.Nics)
        {
            w.WriteStartObject();
            w.WriteString("host", n.Host);
            w.WriteString("nic", n.Nic);
            // The catalogue's names in JSON's camelCase: rx_packets -> rxPackets.
            foreach (var (name, value) in n.Values()) w.WriteNumber(CamelCase(name), value);
            WriteMap(w, "dropReasons", n.DropReasons);
            w.WriteEndObject();
            FlushSome(w);
        }
        w.WriteEndArray();

        w.WriteStartArray("flows");
        foreach (var f in report.Flows)
        {
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteString("kind", f.Kind);
            w.WriteNumber("sent", f.Sent);
            w.WriteNumber("received", f.Received);
            w.WriteNumber("lost", f.Lost);
            w.WriteNumber("duplicated", f.Duplicated);
            w.WriteNumber("reordered", f.Reordered);
            w.WriteNumber("receivedBytes", f.ReceivedBytes);
            if (f.Goodput is { } g) w.WriteNumber("goodput", Math.Round(g, 3));
            else w.WriteNull("goodput");
            WriteMap(w, "sendFailed", f.SendFailed ?? new Dictionary<string, long>());
            if (f.Rtt is { } r)
            {
                w.WriteStartObject("rttMs");
                w.WriteNumber("min", r.Min.TotalMilliseconds);
                w.WriteNumber("mean", r.Mean.TotalMilliseconds);
                w.WriteNumber("p50", r.P50.TotalMilliseconds);
                w.WriteNumber("p99", r.P99.TotalMilliseconds);
                w.WriteNumber("max", r.Max.TotalMilliseconds);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("rttMs");
            }
            if (f.Tcp is { } t)
            {
                w.WriteStartObject("tcp");
                w.WriteString("congestionControl", t.CongestionControl);
                w.WriteNumber("bytesSent", t.BytesSent);
                w.WriteNumber("bytes", t.Bytes);
                w.WriteBoolean("completed", t.Completed);
                w.WriteNumber("goodputBitsPerSecond", Math.Round(t.GoodputBitsPerSecond));
                WriteMs(w, "connectTimeMs", t.ConnectTime);
                w.WriteNumber("retransmittedSegments", t.RetransmittedSegments);
                w.WriteNumber("timeouts", t.Timeouts);
                w.WriteNumber("fastRetransmits", t.FastRetransmits);
                w.WriteNumber("sackRecoveries", t.SackRecoveries);
                WriteMs(w, "srttMs", t.SRtt);
                WriteMs(w, "minRttMs", t.MinRtt);
                w.WriteNumber("finalCwnd", t.FinalCwnd);
                if (t.Error is { } err) w.WriteString("error", err);
                else w.WriteNull("error");
                w.WriteEndObject();
            }
            w.WriteEndObject();
            FlushSome(w);
        }
        w.WriteEndArray();

        WriteWires(w, "links", "directions", report.Links ?? []);
        WriteWires(w, "switches", "ports", report.Switches ?? []);

        w.WriteStartArray("hosts");
        foreach (var h in report.Hosts)
        {
            w.WriteStartObject();
            w.WriteString("host", h.Host);
            WriteMap(w, "counters", h.Counters);
            w.WriteEndObject();
            FlushSome(w);
        }
        w.WriteEndArray();

        if (report.Bridges.Count > 0) WriteBridges(w, report.Bridges); // only with bridges: other reports keep their bytes

        w.WriteStartArray("expectations");
        foreach (var e in report.Expectations)
        {
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteString("subject", e.Subject);
            w.WriteString("condition", e.Condition);
            if (e.Observed is { } o && double.IsFinite(o)) w.WriteNumber("observed", o);
            else w.WriteNull("observed");
            w.WriteString("verdict", e.Verdict switch { Verdict.Pass => "pass", Verdict.Fail => "fail", _ => "unmeasured" });
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    /// <summary>Writes the report to a file, replacing it.</summary>
    public static void Write(RunReport report, string path)
    {
        using var file = File.Create(path);
        Write(report, file);
    }

    /// <summary>The report as a string.</summary>
    public static string ToJson(RunReport report)
    {
        using var ms = new MemoryStream();
        Write(report, ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteMs(Utf8JsonWriter w, string name, TimeSpan? value)
    {
        if (value is { } v) w.WriteNumber(name, v.TotalMilliseconds);
        else w.WriteNull(name);
    }

    private static void WriteWires(Utf8JsonWriter w, string name, string wiresName, IReadOnlyList<WiresReport> owners)
    {
        w.WriteStartArray(name);
        foreach (var o in owners)
        {
            w.WriteStartObject();
            w.WriteString("name", o.Name);
            w.WriteStartArray(wiresName);
            foreach (var d in o.Wires)
            {
                w.WriteStartObject();
                w.WriteString("from", d.From);
                w.WriteString("to", d.To);
                w.WriteNumber("offered", d.Offered);
                w.WriteNumber("delivered", d.Delivered);
                WriteMap(w, "dropped", d.Dropped);
                w.WriteNumber("inFlight", d.InFlight);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            FlushSome(w);
        }
        w.WriteEndArray();
    }

    private static void WriteBridges(Utf8JsonWriter w, IReadOnlyList<BridgeReport> bridges)
    {
        w.WriteStartArray("bridges");
        foreach (var b in bridges)
        {
            w.WriteStartObject();
            w.WriteString("name", b.Name);
            w.WriteString("device", b.Device);
            if (b.Netns is null) w.WriteNull("netns");
            else w.WriteString("netns", b.Netns);
            w.WriteNumber("fromKernelFrames", b.FromKernelFrames);
            w.WriteNumber("fromKernelBytes", b.FromKernelBytes);
            w.WriteNumber("toKernelFrames", b.ToKernelFrames);
            w.WriteNumber("toKernelBytes", b.ToKernelBytes);
            w.WriteNumber("dropped", b.Dropped);
            WriteMap(w, "dropReasons", b.DropReasons);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Hands what the writer holds to its stream once it is over 1 MiB: the writer keeps everything until
    /// flushed, and a million hosts' report is gigabytes (the bytes written are the same).</summary>
    private static void FlushSome(Utf8JsonWriter w)
    {
        if (w.BytesPending > 1 << 20) w.Flush();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> map)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in InKeyOrder(map)) w.WriteNumber(key, value);
        w.WriteEndObject();
    }

    /// <summary>The map sorted by key (ordinal); a map already kept in that order (the host counters, 94 a host) is not
    /// sorted again.</summary>
    internal static IEnumerable<KeyValuePair<string, long>> InKeyOrder(IReadOnlyDictionary<string, long> map) =>
        map switch
        {
            NetSim.Protocol.Counters.SortedCounters counters => counters,
            SortedDictionary<string, long> sorted when ReferenceEquals(sorted.Comparer, StringComparer.Ordinal) => sorted,
            _ => map.OrderBy(kv => kv.Key, StringComparer.Ordinal),
        };

    /// <summary>Catalogue names (a fixed, small set) in camelCase, made once each rather than once per NIC.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> CamelCased = new(StringComparer.Ordinal);

    private static string CamelCase(string snake) => CamelCased.GetOrAdd(snake, static s =>
        string.Concat(s.Split('_').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..])));
}
