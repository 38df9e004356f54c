using System.Globalization;
using System.Text;

namespace NetSim.Scenario.TimeSeries;

/// <summary>
/// Streams timeseries.csv in long form, one figure a row: <c>time_s,subject,metric,value</c>. Rows go to disk as
/// they are sampled (a buffered stream, nothing kept), so memory does not grow with the run. Numbers are written
/// in invariant culture, the shortest form that reads back exactly, with '\n' line ends: the same run gives the same
/// bytes, and pandas (<c>read_csv</c>) and R (<c>read.csv</c>) read it without options.
/// </summary>
public sealed class TimeSeriesWriter : IDisposable
{
    /// <summary>The first line of the file.</summary>
    public const string Header = "time_s,subject,metric,value";

    private readonly TextWriter _out;
    private TimeSpan _lastTime = TimeSpan.MinValue;
    private string _lastSeconds = "";

    public TimeSeriesWriter(TextWriter output)
    {
        _out = output;
        _out.Write(Header);
        _out.Write('\n');
    }

    /// <summary>Creates (replaces) <paramref name="path"/>, UTF-8 without BOM.</summary>
    public static TimeSeriesWriter Create(string path) =>
        new(new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16));

    /// <summary>One row: <paramref name="value"/> of <paramref name="metric"/> of <paramref name="subject"/> at simulated <paramref name="time"/>.</summary>
    public void Write(TimeSpan time, string subject, string metric, double value)
    {
        if (time != _lastTime) (_lastTime, _lastSeconds) = (time, Seconds(time)); // a sample's rows share their time
        // The row is put together here and handed to the stream in one call: a run of a thousand hosts writes millions
        // of rows, and each call into the writer has a fixed cost.
        var length = _lastSeconds.Length + subject.Length + metric.Length + 3 + 32 + 1;
        if (_row.Length < length) _row = new char[Math.Max(length, _row.Length * 2)];
        var row = _row.AsSpan();
        var at = Append(row, 0, _lastSeconds);
        row[at++] = ',';
        at = Append(row, at, subject);
        row[at++] = ',';
        at = Append(row, at, metric);
        row[at++] = ',';
        var number = FormatNumber(value, row.Slice(at, 32));
        if (!number.Overlaps(row)) number.CopyTo(row[at..]); // "0" and the rare long form are not written in place
        at += number.Length;
        row[at++] = '\n';
        _out.Write(row[..at]);
    }

    private char[] _row = new char[128];

    private static int Append(Span<char> row, int at, string text)
    {
        text.CopyTo(row[at..]);
        return at + text.Length;
    }

    /// <summary>The shortest invariant form that reads back as the same double.</summary>
    public static string Number(double value) => FormatNumber(value, stackalloc char[32]).ToString();

    /// <summary>
    /// <see cref="Number"/> without allocating. Most figures are counts: whole numbers are formatted as integers,
    /// which is faster and gives the same text as "R" below 1e15.
    /// </summary>
    internal static ReadOnlySpan<char> FormatNumber(double value, Span<char> buffer)
    {
        int written;
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            if (value == 0) return "0"; // also -0, which "R" writes as "-0": a count is never negative zero
            ((long)value).TryFormat(buffer, out written, default, CultureInfo.InvariantCulture);
        }
        else if (!value.TryFormat(buffer, out written, "R", CultureInfo.InvariantCulture))
        {
            return value.ToString("R", CultureInfo.InvariantCulture);
        }
        return buffer[..written];
    }

    /// <summary>Simulated time in seconds, exact to the tick (decimal, so 0.3 is written as 0.3).</summary>
    public static string Seconds(TimeSpan time) => FormatSeconds(time, stackalloc char[32]).ToString();

    /// <summary><see cref="Seconds"/> into <paramref name="buffer"/> (32 characters are enough) without allocating.</summary>
    internal static ReadOnlySpan<char> FormatSeconds(TimeSpan time, Span<char> buffer) =>
        (time.Ticks / (decimal)TimeSpan.TicksPerSecond).TryFormat(buffer, out var written, "0.#######", CultureInfo.InvariantCulture)
            ? buffer[..written]
            : throw new InvalidOperationException($"{time} does not fit {buffer.Length} characters"); // 922337203685.4775807 is 20

    public void Dispose() => _out.Dispose();
}

/// <summary>
/// Streams rtt.csv, every round-trip time a flow measured: <c>time_s,flow,rtt_ms</c> (arrival time of the reply).
/// Written interval by interval as the sampler takes them, so rows are in time order within a flow's interval.
/// </summary>
public sealed class RttSampleWriter : IDisposable
{
    /// <summary>The first line of the file.</summary>
    public const string Header = "time_s,flow,rtt_ms";

    private readonly TextWriter _out;

    public RttSampleWriter(TextWriter output)
    {
        _out = output;
        _out.Write(Header);
        _out.Write('\n');
    }

    /// <summary>Creates (replaces) <paramref name="path"/>, UTF-8 without BOM.</summary>
    public static RttSampleWriter Create(string path) =>
        new(new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16));

    public void Write(TimeSpan at, string flow, TimeSpan rtt)
    {
        // Formatted in place: a row per echo reply, so no strings per row.
        Span<char> number = stackalloc char[32];
        _out.Write(TimeSeriesWriter.FormatSeconds(at, number));
        _out.Write(',');
        _out.Write(flow);
        _out.Write(',');
        _out.Write(TimeSeriesWriter.FormatNumber(rtt.TotalMilliseconds, number));
        _out.Write('\n');
    }

    public void Dispose() => _out.Dispose();
}
