namespace NetSim.Scenario.TimeSeries;

/// <summary>
/// One thing the time series follows (a flow, a NIC, a link): at each sample it writes its figures for the interval
/// that just ended. Subjects are named like the paths of report metrics: <c>flows.NAME</c>, <c>nics.HOST.NIC</c>,
/// <c>links.NAME</c>. A new kind of subject (a link direction, a TCP flow's cwnd) is one more implementation.
/// </summary>
internal interface ISampledSubject
{
    /// <summary>Reads the subject's state at <paramref name="now"/>; called for every subject before any <see cref="Write"/>.</summary>
    void Read(TimeSpan now);

    /// <summary>Writes the figures of the interval of length <paramref name="interval"/> ending at <paramref name="now"/>.</summary>
    void Write(TimeSpan now, TimeSpan interval, TimeSeriesWriter output);

    /// <summary>After the last sample: figures known only at the end (a flow's losses), given every sample time.</summary>
    void Finish(IReadOnlyList<TimeSpan> sampleTimes, TimeSeriesWriter output) { }
}

/// <summary>
/// Samples every subject on simulated time and streams the rows to timeseries.csv. The runner calls
/// <see cref="Sample"/> at every multiple of the interval (and at the run's end), after the simulation has run up
/// to that instant, so an interval holds what happened in (previous sample, this sample].
/// </summary>
public sealed class TimeSeriesSampler : IDisposable
{
    private readonly TimeSeriesWriter _output;
    private readonly IReadOnlyList<ISampledSubject> _subjects;
    private readonly IDisposable? _alongside;

    internal TimeSeriesSampler(TimeSeriesWriter output, IReadOnlyList<ISampledSubject> subjects, IDisposable? alongside = null) =>
        (_output, _subjects, _alongside) = (output, subjects, alongside);

    private readonly List<TimeSpan> _sampleTimes = []; // one TimeSpan per interval: bounded by duration / interval, not by traffic
    private TimeSpan _last = TimeSpan.Zero;

    public void Sample(TimeSpan now)
    {
        if (now <= _last) return;
        foreach (var s in _subjects) s.Read(now);
        foreach (var s in _subjects) s.Write(now, now - _last, _output);
        _sampleTimes.Add(now);
        _last = now;
    }

    /// <summary>Writes what is known only at the end and closes the file.</summary>
    public void Finish()
    {
        foreach (var s in _subjects) s.Finish(_sampleTimes, _output);
        Dispose();
    }

    public void Dispose()
    {
        _output.Dispose();
        _alongside?.Dispose();
    }

    /// <summary>At most this many samples a run: a longer run samples at a multiple of its interval (docs/scenarios.md).</summary>
    public const long MaxSamples = 100_000;

    /// <summary><paramref name="interval"/>, or its smallest multiple that keeps the run within <see cref="MaxSamples"/> samples.</summary>
    public static TimeSpan Bounded(TimeSpan duration, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero || duration.Ticks / interval.Ticks <= MaxSamples) return interval;
        var factor = (duration.Ticks / MaxSamples + interval.Ticks - 1) / interval.Ticks;
        return TimeSpan.FromTicks(factor * interval.Ticks);
    }

    /// <summary>
    /// The instants the runner stops at: every multiple of <paramref name="interval"/> (samples) merged with
    /// <paramref name="progressSteps"/> evenly spaced progress points, ending at <paramref name="duration"/>, in order.
    /// </summary>
    public static IEnumerable<(TimeSpan At, bool Sample, bool Progress)> Schedule(TimeSpan duration, TimeSpan interval, int progressSteps)
    {
        long end = duration.Ticks, never = long.MaxValue;
        var nextSample = interval > TimeSpan.Zero ? Math.Min(interval.Ticks, end) : never;
        var step = 1;
        var nextProgress = progressSteps > 0 ? (long)((Int128)end / progressSteps) : never;
        while (nextSample != never || nextProgress != never)
        {
            var at = Math.Min(nextSample, nextProgress);
            bool isSample = at == nextSample, isProgress = at == nextProgress;
            if (isSample) nextSample = at >= end ? never : Math.Min(at + interval.Ticks, end);
            if (isProgress) nextProgress = ++step <= progressSteps ? (long)((Int128)end * step / progressSteps) : never;
            yield return (TimeSpan.FromTicks(at), isSample, isProgress);
        }
    }
}
