using NetSim.Protocol;
using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Running;

/// <summary>
/// What one flow (a ping or a UDP stream) measured: packets sent, distinct sequence numbers received, duplicates,
/// reordering, round-trip times and refused sends by errno. Written by the flow's actors only (one writer each), read
/// by the runner after the run. Its memory is bounded whatever the flow's length: arrivals are tracked by a
/// <see cref="SequenceWindow"/> and round-trip times by an <see cref="RttHistogram"/>.
/// </summary>
internal sealed class FlowStats(string name, string kind)
{
    private readonly SequenceWindow _received = new();
    private readonly RttHistogram _rtts = new();
    private readonly SortedDictionary<string, long> _sendFailed = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public string Name { get; } = name;
    public string Kind { get; } = kind;
    public long Sent { get; private set; }
    public long Duplicated { get; private set; }
    public long Reordered { get; private set; }
    /// <summary>Sends refused plus errors reported back (ICMP errors to a ping, a port that could not be bound).</summary>
    public long Errors { get; private set; }

    public void CountSent() { lock (_gate) Sent++; }

    public void CountError() { lock (_gate) Errors++; }

    /// <summary>A send the host refused with <paramref name="errno"/>: counted by errno in the report's <c>sendFailed</c>.</summary>
    public void CountSendFailed(Errno errno)
    {
        lock (_gate)
        {
            Errors++;
            var key = errno.ToString();
            _sendFailed[key] = _sendFailed.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Records the arrival of <paramref name="sequence"/>; a repeat counts as duplicated, an earlier number after a later one as reordered.</summary>
    public void CountReceived(long sequence, TimeSpan? rtt)
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
            if (rtt is { } r) _rtts.Add(r);
        }
    }

    public FlowReport ToReport()
    {
        lock (_gate)
        {
            var received = _received.Distinct;
            return new FlowReport(Name, Kind, Sent, received, Math.Max(0, Sent - received), Duplicated, Reordered, _rtts.Statistics(),
                new SortedDictionary<string, long>(_sendFailed, StringComparer.Ordinal));
        }
    }
}

/// <summary>
/// Which sequence numbers arrived, in constant memory: the highest seen and a sliding bitmap of the
/// <see cref="Size"/> numbers below it (as IPsec's and DTLS's anti-replay windows do). A number older than the
/// window cannot be told from a duplicate; it counts as a late (reordered) first arrival.
/// </summary>
internal sealed class SequenceWindow
{
    /// <summary>Numbers tracked below the highest: 65,536 (8 KiB of bits, allocated on the first arrival).</summary>
    public const int Size = 1 << 16;
    private ulong[]? _bits;
    private long _highest = -1;

    public enum Arrival { InOrder, Late, Duplicate }

    /// <summary>Distinct numbers seen.</summary>
    public long Distinct { get; private set; }

    public Arrival Add(long sequence)
    {
        _bits ??= new ulong[Size / 64];
        if (sequence > _highest)
        {
            // Slide: the numbers between the old highest and this one have not arrived.
            if (_highest < 0 || sequence - _highest >= Size) Array.Clear(_bits);
            else ClearRange(_highest + 1, sequence);
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
        if (IsSet(sequence)) return Arrival.Duplicate;
        Set(sequence);
        Distinct++;
        return Arrival.Late;
    }

    private static (int Word, ulong Mask) Slot(long sequence)
    {
        var bit = (int)(sequence & (Size - 1));
        return (bit >> 6, 1UL << (bit & 63));
    }

    private bool IsSet(long sequence) { var (w, m) = Slot(sequence); return (_bits![w] & m) != 0; }
    private void Set(long sequence) { var (w, m) = Slot(sequence); _bits![w] |= m; }
    /// <summary>Clears the bits of [<paramref name="from"/>, <paramref name="to"/>), fewer than <see cref="Size"/> numbers, a word at a time.</summary>
    private void ClearRange(long from, long to)
    {
        while (from < to)
        {
            var bit = (int)(from & (Size - 1));
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
