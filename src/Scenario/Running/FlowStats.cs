using NetSim.Protocol;
using NetSim.Scenario.Partitioning;
using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Running;

/// <summary>
/// What one flow (a ping or a UDP stream) measured: packets sent, distinct sequence numbers received, payload
/// bytes, duplicates, reordering, round-trip times and refused sends by errno, in total and since the time-series
/// sampler last took an interval. Written by the flow's actors only (one writer each), read by the runner and its
/// sampler. Its memory is bounded whatever the flow's length: arrivals are tracked by a <see cref="SequenceWindow"/>,
/// round-trip times by an <see cref="RttHistogram"/>, and the time series keeps a few numbers per interval.
/// </summary>
internal sealed class FlowStats(string name, string kind)
{
    private readonly SequenceWindow _received = new();
    private readonly RttHistogram _rtts = new();
    private SortedDictionary<string, long>? _sendFailed; // by errno: made by the first refused send (most flows have none)
    private readonly object _gate = new();
    private TimeSpan? _firstSentAt, _lastReceivedAt;
    private long _highestSent = long.MinValue;
    private FlowInterval _interval = FlowInterval.Empty;
    private List<(TimeSpan At, TimeSpan Rtt)>? _intervalRtts; // this interval's samples only: bounded by the flow's rate x interval
    // The list the last TakeInterval handed out: its taker is done with it by the next one (the sampler writes the
    // samples out, a partition copies them, within the sample), which clears it and collects the next interval in it.
    private List<(TimeSpan At, TimeSpan Rtt)>? _takenRtts;
    private IntervalBook? _intervals; // made by the first interval taken: without a time series there is none
    private long _arrivedOfOpenInterval;

    public string Name { get; } = name;

    /// <summary>Set by the time-series sampler: keep the current interval's RTT samples (without one, nobody takes them).</summary>
    public bool KeepsRttSamples { get; set; }

    /// <summary>Set by a partitioned run's time-series recorder: keep the distinct sequence numbers that arrived as
    /// ranges, so the merge can count them against the sender's intervals in another partition.</summary>
    public bool TracksArrivalRanges { get; set; }
    private List<SequenceRange>? _arrived;
    public string Kind { get; } = kind;
    public long Sent { get; private set; }
    public long ReceivedBytes { get; private set; }
    public long Duplicated { get; private set; }
    public long Reordered { get; private set; }
    /// <summary>Sends refused plus errors reported back (ICMP errors to a ping, a port that could not be bound).</summary>
    public long Errors { get; private set; }

    /// <summary>Records the send of <paramref name="sequence"/> at simulated time <paramref name="now"/>.</summary>
    public void CountSent(long sequence, TimeSpan now)
    {
        lock (_gate)
        {
            Sent++;
            _firstSentAt ??= now;
            if (sequence > _highestSent) _highestSent = sequence;
            _interval = _interval with { Sent = _interval.Sent + 1 };
        }
    }

    public void CountError() { lock (_gate) Errors++; }

    /// <summary>A send the host refused with <paramref name="errno"/>: counted by errno in the report's <c>sendFailed</c>.</summary>
    public void CountSendFailed(Errno errno)
    {
        lock (_gate)
        {
            Errors++;
            var key = errno.ToString();
            _sendFailed ??= new(StringComparer.Ordinal);
            _sendFailed[key] = _sendFailed.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>
    /// Records the arrival of <paramref name="sequence"/> carrying <paramref name="payloadBytes"/> at
    /// <paramref name="now"/>; a repeat counts as duplicated, an earlier number after a later one as reordered.
    /// </summary>
    public void CountReceived(long sequence, int payloadBytes, TimeSpan now, TimeSpan? rtt)
    {
        lock (_gate)
        {
            switch (_received.Add(sequence))
            {
                case SequenceWindow.Arrival.Duplicate:
                    Duplicated++;
                    return;
                case SequenceWindow.Arrival.Late:
                    Reordered++;
                    break;
            }
            ReceivedBytes += payloadBytes;
            _lastReceivedAt = now;
            if (TracksArrivalRanges) AddArrival(sequence);
            if (_intervals is { } book && FirstAbove(book.Boundaries, sequence) is var k && k < book.ArrivedPerInterval.Count) book.ArrivedPerInterval[k]++;
            else _arrivedOfOpenInterval++;
            var i = _interval;
            i = i with { Received = i.Received + 1, ReceivedBytes = i.ReceivedBytes + payloadBytes };
            if (rtt is { } r)
            {
                _rtts.Add(r);
                if (KeepsRttSamples) (_intervalRtts ??= []).Add((now, r));
                i = i with
                {
                    RttCount = i.RttCount + 1,
                    RttMin = i.RttCount == 0 || r < i.RttMin ? r : i.RttMin,
                    RttMax = i.RttCount == 0 || r > i.RttMax ? r : i.RttMax,
                    RttSum = i.RttSum + r,
                };
            }
            _interval = i;
        }
    }

    /// <summary>What happened since the last call (or the start), with the RTT samples in arrival order, and starts a new
    /// interval. The samples' list is valid until the next call (read or copy it at once).</summary>
    public (FlowInterval Interval, List<(TimeSpan At, TimeSpan Rtt)> RttSamples) TakeInterval()
    {
        lock (_gate)
        {
            var taken = (_interval, _intervalRtts ?? []);
            _interval = FlowInterval.Empty;
            if (_intervalRtts is not null)
            {
                (_intervalRtts, _takenRtts) = (_takenRtts, _intervalRtts);
                _intervalRtts?.Clear();
            }
            var book = _intervals ??= new IntervalBook();
            book.Boundaries.Add(_highestSent == long.MinValue ? long.MinValue : _highestSent + 1);
            book.SentPerInterval.Add(taken._interval.Sent);
            book.ArrivedPerInterval.Add(_arrivedOfOpenInterval);
            _arrivedOfOpenInterval = 0;
            return taken;
        }
    }

    /// <summary>
    /// For each interval taken: packets sent in it that never arrived. Known only once the run is over, so the
    /// sampler asks after the last interval; the figures add up to the report's <c>lost</c>.
    /// </summary>
    public long[] LostPerInterval()
    {
        lock (_gate) return _intervals is { } book ? [.. book.SentPerInterval.Select((sent, k) => Math.Max(0, sent - book.ArrivedPerInterval[k]))] : [];
    }

    /// <summary>This side's interval boundaries, sends per interval and arrivals (see <see cref="FlowIntervalsPart"/>).</summary>
    public FlowIntervalsPart ExportIntervals()
    {
        lock (_gate) return new FlowIntervalsPart(Name, [.. _intervals?.Boundaries ?? []], [.. _intervals?.SentPerInterval ?? []], [.. _arrived ?? []]);
    }

    /// <summary>Adds <paramref name="sequence"/> to the sorted, disjoint arrival ranges (in order: extends the last one).</summary>
    private void AddArrival(long sequence)
    {
        _arrived ??= [];
        if (_arrived.Count > 0 && _arrived[^1].End == sequence) { _arrived[^1] = _arrived[^1] with { End = sequence + 1 }; return; }
        int lo = 0, hi = _arrived.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_arrived[mid].End < sequence) lo = mid + 1;
            else hi = mid;
        }
        // _arrived[lo] is the first range that ends at or after sequence: it contains it, touches it, or lies above.
        if (lo < _arrived.Count && _arrived[lo].Start <= sequence && sequence < _arrived[lo].End) return;
        var joinsBelow = lo < _arrived.Count && _arrived[lo].End == sequence;
        var next = joinsBelow ? lo + 1 : lo;
        var joinsAbove = next < _arrived.Count && _arrived[next].Start == sequence + 1;
        if (joinsBelow && joinsAbove) { _arrived[lo] = new SequenceRange(_arrived[lo].Start, _arrived[next].End); _arrived.RemoveAt(next); }
        else if (joinsBelow) _arrived[lo] = _arrived[lo] with { End = sequence + 1 };
        else if (joinsAbove) _arrived[next] = _arrived[next] with { Start = sequence };
        else _arrived.Insert(next, new SequenceRange(sequence, sequence + 1));
    }

    /// <summary>Index of the first boundary above <paramref name="sequence"/> (boundaries repeat over idle intervals, so not BinarySearch).</summary>
    private static int FirstAbove(List<long> boundaries, long sequence)
    {
        int lo = 0, hi = boundaries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (boundaries[mid] > sequence) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>Payload bits received per second between the first send and the last arrival; null without a span.</summary>
    private double? Goodput() =>
        _firstSentAt is { } first && _lastReceivedAt is { } last && last > first
            ? ReceivedBytes * 8.0 / (last - first).TotalSeconds
            : null;

    /// <summary>
    /// What this side of the flow measured, for <see cref="Absorb"/> in the process that writes the report. A UDP
    /// flow's sender and receiver may run in different partitions; each records only its own figures (the sender its
    /// sends, the receiver its arrivals), so adding the parts gives exactly the one-process figures.
    /// </summary>
    public FlowPart Export()
    {
        lock (_gate)
            return new FlowPart(Name, Kind, Sent, _received.Distinct + _absorbedDistinct, ReceivedBytes, Duplicated, Reordered, Errors,
                _sendFailed is null ? new Dictionary<string, long>(StringComparer.Ordinal) : new Dictionary<string, long>(_sendFailed, StringComparer.Ordinal), _firstSentAt, _lastReceivedAt, _rtts.Export());
    }

    /// <summary>Adds the figures of <paramref name="part"/> (another side of this flow, or a whole flow) to these.</summary>
    public void Absorb(FlowPart part)
    {
        lock (_gate)
        {
            Sent += part.Sent;
            _absorbedDistinct += part.Received;
            ReceivedBytes += part.ReceivedBytes;
            Duplicated += part.Duplicated;
            Reordered += part.Reordered;
            Errors += part.Errors;
            foreach (var (errno, n) in part.SendFailed)
            {
                _sendFailed ??= new(StringComparer.Ordinal);
                _sendFailed[errno] = _sendFailed.GetValueOrDefault(errno) + n;
            }
            if (part.FirstSentAt is { } first && (_firstSentAt is null || first < _firstSentAt)) _firstSentAt = first;
            if (part.LastReceivedAt is { } last && (_lastReceivedAt is null || last > _lastReceivedAt)) _lastReceivedAt = last;
            _rtts.Absorb(part.Rtts);
        }
    }

    private long _absorbedDistinct;

    public FlowReport ToReport()
    {
        lock (_gate)
        {
            var received = _received.Distinct + _absorbedDistinct;
            return new FlowReport(Name, Kind, Sent, received, Math.Max(0, Sent - received), Duplicated, Reordered, _rtts.Statistics(),
                _sendFailed is null ? ReportMaps.Empty : new SortedDictionary<string, long>(_sendFailed, StringComparer.Ordinal))
            {
                ReceivedBytes = ReceivedBytes,
                Goodput = Goodput(),
            };
        }
    }
}

/// <summary>A flow's time-series intervals: one entry per interval taken: the first sequence number sent after it
/// ended (sequences rise within a flow, so a sequence belongs to the first interval whose boundary lies above it, or
/// to the open interval), the sends and the distinct arrivals by the interval their packet was sent in.</summary>
internal sealed class IntervalBook
{
    public List<long> Boundaries { get; } = [];
    public List<long> SentPerInterval { get; } = [];
    public List<long> ArrivedPerInterval { get; } = [];
}

/// <summary>One side's figures of a flow (see <see cref="FlowStats.Export"/>); serialized between the processes of a partitioned run.</summary>
public sealed record FlowPart(string Name, string Kind, long Sent, long Received, long ReceivedBytes, long Duplicated, long Reordered, long Errors,
    Dictionary<string, long> SendFailed, TimeSpan? FirstSentAt, TimeSpan? LastReceivedAt, RttHistogramPart Rtts);

/// <summary>The state of an <see cref="RttHistogram"/>: exact count, sum, minimum and maximum (ticks) and the buckets.</summary>
public sealed record RttHistogramPart(long Count, long SumTicks, long Min, long Max, List<RttBucket> Buckets);

/// <summary>One bucket of an <see cref="RttHistogram"/>.</summary>
public sealed record RttBucket(int Key, long Count, long Min, long Max);

/// <summary>A flow's figures for one time-series interval: packets, payload bytes and a bounded RTT summary.</summary>
internal readonly record struct FlowInterval(long Sent, long Received, long ReceivedBytes, int RttCount, TimeSpan RttMin, TimeSpan RttSum, TimeSpan RttMax)
{
    public static readonly FlowInterval Empty = new(0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}

/// <summary>
/// Which sequence numbers arrived, in constant memory: the highest seen and a sliding bitmap of the
/// <see cref="Size"/> numbers below it (as IPsec's and DTLS's anti-replay windows do). A number older than the
/// window cannot be told from a duplicate; it counts as a late (reordered) first arrival.
/// </summary>
/// <remarks>
/// The bitmap is a ring over the numbers from the lowest that arrived within the window (<c>_floor</c>) to the
/// highest, grown by doubling as that span grows, up to <see cref="Size"/> bits (8 KiB): a flow of a few packets
/// keeps one word, not 8 KiB (a million ping flows were 8 GB of bitmaps). Numbers below the floor never arrived, as
/// in the full window; what it answers is what the full <see cref="Size"/>-bit window answers.
/// </remarks>
internal sealed class SequenceWindow
{
    /// <summary>Numbers tracked below the highest: 65,536 (8 KiB of bits at most).</summary>
    public const int Size = 1 << 16;
    private ulong[]? _bits; // a ring of _bits.Length * 64 numbers; number n at bit n mod that
    private long _highest = -1;
    private long _floor; // the lowest number that arrived in the window: nothing below it is set

    public enum Arrival { InOrder, Late, Duplicate }

    /// <summary>Distinct numbers seen.</summary>
    public long Distinct { get; private set; }

    /// <summary>Bits the ring holds now (for tests: it grows with the span of arrivals, never past <see cref="Size"/>).</summary>
    internal int Capacity => (_bits?.Length ?? 0) * 64;

    public Arrival Add(long sequence)
    {
        _bits ??= new ulong[1];
        if (sequence > _highest)
        {
            if (_highest < 0 || sequence - _highest >= Size)
            {
                // The first number, or a jump past the whole window: nothing below this one is in the window.
                Array.Clear(_bits);
                _floor = sequence;
            }
            else
            {
                _floor = Math.Max(_floor, sequence - Size + 1);
                Grow(sequence - _floor + 1);
                ClearRange(_highest + 1, sequence); // slide: the numbers between the old highest and this one have not arrived
            }
            _highest = sequence;
            Set(sequence);
            Distinct++;
            return Arrival.InOrder;
        }
        if (_highest - sequence >= Size)
        {
            Distinct++; // below the window: cannot tell, counted as a late first arrival
            return Arrival.Late;
        }
        if (sequence >= _floor && IsSet(sequence)) return Arrival.Duplicate;
        if (sequence < _floor)
        {
            Grow(_highest - sequence + 1);
            _floor = sequence; // the ring's bits from here to the old floor are clear: nothing there arrived
        }
        Set(sequence);
        Distinct++;
        return Arrival.Late;
    }

    /// <summary>Makes the ring hold at least <paramref name="span"/> numbers (at most <see cref="Size"/>), keeping
    /// which of [max(floor, highest - old capacity + 1), highest] arrived.</summary>
    private void Grow(long span)
    {
        var bits = _bits!.Length * 64;
        if (span <= bits) return;
        var capacity = (int)Math.Min(Size, System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)span));
        var old = _bits;
        _bits = new ulong[capacity / 64];
        for (var n = Math.Max(_floor, _highest - bits + 1); n <= _highest; n++)
            if ((old[(int)(n & (bits - 1)) >> 6] & (1UL << (int)(n & 63))) != 0) Set(n);
    }

    private (int Word, ulong Mask) Slot(long sequence)
    {
        var bit = (int)(sequence & (_bits!.Length * 64 - 1));
        return (bit >> 6, 1UL << (bit & 63));
    }

    private bool IsSet(long sequence) { var (w, m) = Slot(sequence); return (_bits![w] & m) != 0; }
    private void Set(long sequence) { var (w, m) = Slot(sequence); _bits![w] |= m; }
    /// <summary>Clears the bits of [<paramref name="from"/>, <paramref name="to"/>), fewer than the ring holds, a word at a time.</summary>
    private void ClearRange(long from, long to)
    {
        var ring = _bits!.Length * 64;
        if (to - from >= ring) { Array.Clear(_bits); return; }
        while (from < to)
        {
            var bit = (int)(from & (ring - 1));
            var inWord = Math.Min(64 - (bit & 63), to - from);
            var mask = inWord == 64 ? ulong.MaxValue : ((1UL << (int)inWord) - 1) << (bit & 63);
            _bits![bit >> 6] &= ~mask;
            from += inWord;
        }
    }
}

/// <summary>
/// Round-trip times in bounded memory: a log-linear histogram (1,024 buckets per power of two of ticks, so a
/// bucket is at most 0.1% wide) keeping each bucket's count, smallest and largest value, plus the exact count, sum,
/// minimum and maximum. A percentile is the largest value of the bucket holding the nearest-rank sample: exact
/// when that bucket holds one distinct value (the common case in virtual time), else within 0.1% above.
/// </summary>
internal sealed class RttHistogram
{
    /// <summary>The histogram's state, buckets in key order.</summary>
    public RttHistogramPart Export() =>
        new(_count, _sumTicks, _min, _max, [.. _buckets.OrderBy(b => b.Key).Select(b => new RttBucket(b.Key, b.Value.Count, b.Value.Min, b.Value.Max))]);

    /// <summary>Adds another histogram's samples (a histogram of both sets, as if every sample had been added here).</summary>
    public void Absorb(RttHistogramPart part)
    {
        if (part.Count == 0) return;
        _count += part.Count;
        _sumTicks += part.SumTicks;
        _min = Math.Min(_min, part.Min);
        _max = Math.Max(_max, part.Max);
        foreach (var b in part.Buckets)
            _buckets[b.Key] = _buckets.TryGetValue(b.Key, out var mine)
                ? (mine.Count + b.Count, Math.Min(mine.Min, b.Min), Math.Max(mine.Max, b.Max))
                : (b.Count, b.Min, b.Max);
    }

    private const int SubBucketBits = 10;
    private readonly Dictionary<int, (long Count, long Min, long Max)> _buckets = [];
    private long _count, _sumTicks, _min = long.MaxValue, _max = long.MinValue;

    public void Add(TimeSpan rtt)
    {
        var t = Math.Max(0, rtt.Ticks);
        _count++;
        _sumTicks += t;
        _min = Math.Min(_min, t);
        _max = Math.Max(_max, t);
        var key = Bucket(t);
        _buckets[key] = _buckets.TryGetValue(key, out var b) ? (b.Count + 1, Math.Min(b.Min, t), Math.Max(b.Max, t)) : (1, t, t);
    }

    private static int Bucket(long ticks)
    {
        if (ticks < 1L << SubBucketBits) return (int)ticks;
        var exponent = 63 - (int)long.LeadingZeroCount(ticks) - SubBucketBits; // >= 0
        return ((exponent + 1) << SubBucketBits) | (int)((ticks >> exponent) & ((1 << SubBucketBits) - 1));
    }

    public RttStatistics? Statistics()
    {
        if (_count == 0) return null;
        var sorted = _buckets.OrderBy(b => b.Key).Select(b => b.Value).ToArray();
        var mean = TimeSpan.FromTicks((long)((double)_sumTicks / _count));
        return new RttStatistics(TimeSpan.FromTicks(_min), mean, Percentile(sorted, 0.50), Percentile(sorted, 0.99), TimeSpan.FromTicks(_max));
    }

    /// <summary>Nearest rank: the bucket holding the smallest sample with at least p of the samples at or below it.</summary>
    private TimeSpan Percentile((long Count, long Min, long Max)[] sorted, double p)
    {
        var rank = Math.Clamp((long)Math.Ceiling(p * _count), 1, _count);
        long seen = 0;
        foreach (var b in sorted)
        {
            seen += b.Count;
            if (seen >= rank) return TimeSpan.FromTicks(b.Max);
        }
        return TimeSpan.FromTicks(_max);
    }
}
