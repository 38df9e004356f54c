using System.Globalization;
using System.Text.Json;

namespace NetSim.Experiments.RunFiles;

/// <summary>
/// A finished run's folder as the experiment tools read it: report.json (always), timeseries.csv and rtt.csv (when
/// the run sampled them). Everything the plots, the report page, sweeps and comparisons need comes from these
/// files, so they work on a folder copied from another machine as well as on a run just made.
/// </summary>
public sealed class RunFolder
{
    private RunFolder(string path, JsonDocument report)
    {
        Path = path;
        Report = report;
        var root = report.RootElement;
        Scenario = root.GetProperty("scenario").GetString() ?? "";
        Seed = root.GetProperty("seed").GetInt64();
        Duration = TimeSpan.FromMilliseconds(root.GetProperty("durationMs").GetDouble());
        Passed = root.GetProperty("passed").GetBoolean();
    }

    public string Path { get; }

    /// <summary>report.json as written by the run.</summary>
    public JsonDocument Report { get; }

    public string Scenario { get; }
    public long Seed { get; }
    public TimeSpan Duration { get; }
    public bool Passed { get; }

    public string TimeSeriesPath => System.IO.Path.Combine(Path, "timeseries.csv");
    public string RttPath => System.IO.Path.Combine(Path, "rtt.csv");

    /// <summary>Opens <paramref name="path"/>; throws <see cref="RunFolderException"/> when it holds no readable report.json.</summary>
    public static RunFolder Open(string path)
    {
        var reportPath = System.IO.Path.Combine(path, "report.json");
        if (!File.Exists(reportPath)) throw new RunFolderException($"{path}: no report.json (not the folder of a run)");
        try
        {
            return new RunFolder(path, JsonDocument.Parse(File.ReadAllText(reportPath)));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new RunFolderException($"{reportPath}: not a NetSim report ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>The time series (empty when the run wrote none).</summary>
    public TimeSeriesTable ReadTimeSeries() => TimeSeriesTable.Read(TimeSeriesPath);

    /// <summary>Every RTT sample by flow name (empty without rtt.csv).</summary>
    public IReadOnlyDictionary<string, List<(double TimeS, double RttMs)>> ReadRttSamples()
    {
        var result = new SortedDictionary<string, List<(double, double)>>(StringComparer.Ordinal);
        if (!File.Exists(RttPath)) return result;
        foreach (var line in File.ReadLines(RttPath).Skip(1))
        {
            var p = line.Split(',');
            if (p.Length != 3) continue;
            if (!result.TryGetValue(p[1], out var list)) result[p[1]] = list = [];
            list.Add((double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[2], CultureInfo.InvariantCulture)));
        }
        return result;
    }
}

/// <summary>A folder or file an experiment tool cannot use; the message names it and says why (exit code 2).</summary>
public sealed class RunFolderException(string message) : Exception(message);

/// <summary>timeseries.csv read back: one series of (time, value) points per subject and metric, in file order.</summary>
public sealed class TimeSeriesTable
{
    private readonly Dictionary<(string Subject, string Metric), List<(double T, double V)>> _series = [];
    private readonly List<string> _subjects = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal); // _subjects as a set: a scan per new series made 10,000 hosts quadratic

    public static TimeSeriesTable Read(string path)
    {
        var table = new TimeSeriesTable();
        if (!File.Exists(path)) return table;
        var first = true;
        foreach (var line in File.ReadLines(path))
        {
            if (first) { first = false; continue; }
            var p = line.Split(',');
            if (p.Length != 4) throw new RunFolderException($"{path}: '{line}' is not time_s,subject,metric,value");
            var key = (p[1], p[2]);
            if (!table._series.TryGetValue(key, out var list))
            {
                table._series[key] = list = [];
                if (table._known.Add(p[1])) table._subjects.Add(p[1]);
            }
            list.Add((double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[3], CultureInfo.InvariantCulture)));
        }
        foreach (var list in table._series.Values) list.Sort((a, b) => a.T.CompareTo(b.T)); // "lost" rows come last in the file
        return table;
    }

    public bool IsEmpty => _series.Count == 0;

    /// <summary>Subjects in the order the file first names them (flows, NICs, links, switches).</summary>
    public IReadOnlyList<string> Subjects => _subjects;

    /// <summary>Subjects of a kind (<c>flows</c>, <c>nics</c>, <c>links</c>), in file order.</summary>
    public IEnumerable<string> SubjectsOf(string kind) => _subjects.Where(s => s.StartsWith(kind + ".", StringComparison.Ordinal));

    /// <summary>The points of one series, or null when the file has none.</summary>
    public IReadOnlyList<(double T, double V)>? Get(string subject, string metric) =>
        _series.TryGetValue((subject, metric), out var list) ? list : null;
}
