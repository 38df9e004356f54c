using System.Globalization;

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

    private readonly CsvOutput _out;
    private TimeSpan _lastTime = TimeSpan.MinValue;
    private readonly byte[] _lastSeconds = new byte[CsvOutput.MaxNumberBytes];
    private int _lastSecondsLength;

    private TimeSeriesWriter(Stream output)
    {
        _out = new CsvOutput(output);
        _out.Append(Header);
        _out.Append('\n');
    }

    /// <summary>Creates (replaces) <paramref name="path"/>, UTF-8 without BOM.</summary>
    public static TimeSeriesWriter Create(string path) => new(CsvOutput.OpenFile(path));

    /// <summary>One row: <paramref name="value"/> of <paramref name="metric"/> of <paramref name="subject"/> at simulated <paramref name="time"/>.</summary>
    public void Write(TimeSpan time, string subject, string metric, double value)
    {
        if (time != _lastTime) // a sample's rows share their time
        {
            _lastTime = time;
            _lastSecondsLength = CsvOutput.FormatSeconds(time, _lastSeconds);
        }
        // A run of a thousand hosts writes millions of rows: they are put together as UTF-8 in the output's buffer,
        // with no string and no char-to-byte pass per row.
        _out.Append(_lastSeconds.AsSpan(0, _lastSecondsLength));
        _out.Append(',');
        _out.Append(subject);
        _out.Append(',');
        _out.Append(metric);
        _out.Append(',');
        _out.AppendNumber(value);
        _out.Append('\n');
    }

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

    private readonly CsvOutput _out;

    private RttSampleWriter(Stream output)
    {
        _out = new CsvOutput(output);
        _out.Append(Header);
        _out.Append('\n');
    }

    /// <summary>Creates (replaces) <paramref name="path"/>, UTF-8 without BOM.</summary>
    public static RttSampleWriter Create(string path) => new(CsvOutput.OpenFile(path));

    public void Write(TimeSpan at, string flow, TimeSpan rtt)
    {
        _out.AppendSeconds(at);
        _out.Append(',');
        _out.Append(flow);
        _out.Append(',');
        _out.AppendNumber(rtt.TotalMilliseconds);
        _out.Append('\n');
    }

    public void Dispose() => _out.Dispose();
}

/// <summary>
/// The UTF-8 text of a CSV file put together in a buffer of its own and handed to the file in 64 KiB writes: rows are
/// written field by field, numbers formatted straight into the buffer (no strings, no <c>StreamWriter</c> pass from
/// chars to bytes).
/// </summary>
internal sealed class CsvOutput(Stream stream) : IDisposable
{
    /// <summary>Bytes a formatted number or time can take (a double's "R" form is at most 24).</summary>
    public const int MaxNumberBytes = 32;

    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;

    public static Stream OpenFile(string path) => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);

    public void Append(char ascii)
    {
        if (_used == _buffer.Length) Flush();
        _buffer[_used++] = (byte)ascii;
    }

    public void Append(string text)
    {
        var most = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_buffer.Length - _used < most) Flush();
        if (most > _buffer.Length)
        {
            Append(System.Text.Encoding.UTF8.GetBytes(text));
            return;
        }
        _used += System.Text.Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_used));
    }

    public void Append(ReadOnlySpan<byte> utf8)
    {
        if (_buffer.Length - _used < utf8.Length) Flush();
        if (utf8.Length > _buffer.Length)
        {
            stream.Write(utf8);
            return;
        }
        utf8.CopyTo(_buffer.AsSpan(_used));
        _used += utf8.Length;
    }

    public void AppendNumber(double value)
    {
        if (_buffer.Length - _used < MaxNumberBytes) Flush();
        _used += FormatNumber(value, _buffer.AsSpan(_used));
    }

    public void AppendSeconds(TimeSpan time)
    {
        if (_buffer.Length - _used < MaxNumberBytes) Flush();
        _used += FormatSeconds(time, _buffer.AsSpan(_used));
    }

    /// <summary>
    /// The shortest invariant form of <paramref name="value"/> that reads back as the same double, into
    /// <paramref name="utf8"/> (<see cref="MaxNumberBytes"/> are enough); returns its length. Most figures are counts:
    /// whole numbers are formatted as integers, which is faster and gives the same text as "R" below 1e15.
    /// </summary>
    public static int FormatNumber(double value, Span<byte> utf8)
    {
        int written;
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            if (value == 0) // also -0, which "R" writes as "-0": a count is never negative zero
            {
                utf8[0] = (byte)'0';
                return 1;
            }
            ((long)value).TryFormat(utf8, out written, default, CultureInfo.InvariantCulture);
        }
        else if (!value.TryFormat(utf8, out written, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{value} does not fit {utf8.Length} bytes");
        }
        return written;
    }

    /// <summary>Simulated time in seconds, exact to the tick (decimal, so 0.3 is written as 0.3), into <paramref name="utf8"/>.</summary>
    public static int FormatSeconds(TimeSpan time, Span<byte> utf8) =>
        (time.Ticks / (decimal)TimeSpan.TicksPerSecond).TryFormat(utf8, out var written, "0.#######", CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException($"{time} does not fit {utf8.Length} bytes"); // 922337203685.4775807 is 20

    public void Flush()
    {
        if (_used == 0) return;
        stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    public void Dispose()
    {
        try
        {
            Flush();
        }
        finally
        {
            stream.Dispose();
        }
    }
}
