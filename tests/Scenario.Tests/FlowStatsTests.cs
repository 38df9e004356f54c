using NetSim.Protocol;
using NetSim.Scenario.Running;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>A flow's statistics: duplicates and reordering by a sliding window, RTT percentiles by a bounded histogram.</summary>
public class FlowStatsTests
{
    [Fact]
    public void Duplicates_and_reordering_inside_the_window_are_told_apart()
    {
        var f = new FlowStats("f", "udp");
        for (var i = 0; i < 10; i++) f.CountSent(i, TimeSpan.Zero);
        foreach (var s in new long[] { 0, 1, 3, 2, 2, 5, 4, 9, 0 }) f.CountReceived(s, 0, TimeSpan.Zero, null);
        var r = f.ToReport();
        Assert.Equal((7L, 3L, 2L, 2L), (r.Received, r.Lost, r.Duplicated, r.Reordered)); // 0-5 and 9; the second 2 and 0 are duplicates; 2 and 4 came late
    }

    [Fact]
    public void A_gap_wider_than_the_window_forgets_what_is_below_it()
    {
        var f = new FlowStats("f", "udp");
        f.CountReceived(5, 0, TimeSpan.Zero, null);
        f.CountReceived(5 + SequenceWindow.Size + 10, 0, TimeSpan.Zero, null); // slides past 5
        f.CountReceived(5 + SequenceWindow.Size + 3, 0, TimeSpan.Zero, null);  // inside the window: late, new
        f.CountReceived(5 + SequenceWindow.Size + 3, 0, TimeSpan.Zero, null);  // duplicate
        f.CountReceived(5, 0, TimeSpan.Zero, null);                            // below the window: late, counted once more
        var r = f.ToReport();
        Assert.Equal((4L, 1L, 2L), (r.Received, r.Duplicated, r.Reordered));
    }

    [Fact]
    public void The_window_agrees_with_a_set_on_random_jumps_gaps_and_repeats()
    {
        var random = new Random(11);
        var f = new FlowStats("f", "udp");
        var seen = new HashSet<long>();
        long highest = -1, duplicates = 0, late = 0, next = 0;
        for (var i = 0; i < 200_000; i++)
        {
            // Mostly forward with gaps of every size up to the window, some repeats and late arrivals inside it.
            long s = random.Next(10) switch
            {
                < 6 => next += random.Next(1, 200) == 1 ? random.Next(1, SequenceWindow.Size) : 1,
                < 8 => Math.Max(0, highest - random.Next(0, SequenceWindow.Size - 1)),
                _ => Math.Max(0, highest - random.Next(0, 64)),
            };
            if (!seen.Add(s)) duplicates++;
            else if (s < highest) late++;
            highest = Math.Max(highest, s);
            f.CountReceived(s, 0, TimeSpan.Zero, null);
        }
        var r = f.ToReport();
        Assert.Equal((seen.Count, duplicates, late), (r.Received, r.Duplicated, r.Reordered));
    }

    [Fact]
    public void Many_million_in_order_arrivals_keep_exact_counts()
    {
        var f = new FlowStats("f", "udp");
        for (long i = 0; i < 3_000_000; i++) { f.CountSent(i, TimeSpan.Zero); if (i % 1000 != 7) f.CountReceived(i, 0, TimeSpan.Zero, null); }
        var r = f.ToReport();
        Assert.Equal((2_997_000L, 3_000L, 0L, 0L), (r.Received, r.Lost, r.Duplicated, r.Reordered));
    }

    [Fact]
    public void Rtt_percentiles_are_exact_when_each_bucket_holds_one_value_and_within_a_thousandth_otherwise()
    {
        var f = new FlowStats("p", "ping");
        for (var i = 1; i <= 100; i++) f.CountReceived(i, 0, TimeSpan.Zero, TimeSpan.FromMilliseconds(i));
        var rtt = f.ToReport().Rtt!;
        Assert.Equal(TimeSpan.FromMilliseconds(1), rtt.Min);
        Assert.Equal(TimeSpan.FromMilliseconds(50), rtt.P50);
        Assert.Equal(TimeSpan.FromMilliseconds(99), rtt.P99);
        Assert.Equal(TimeSpan.FromMilliseconds(100), rtt.Max);
        Assert.Equal(TimeSpan.FromMilliseconds(50.5), rtt.Mean);

        var g = new FlowStats("q", "ping");
        var random = new Random(1);
        var samples = Enumerable.Range(0, 10_000).Select(_ => TimeSpan.FromTicks(random.NextInt64(100_000, 10_000_000))).ToArray();
        for (var i = 0; i < samples.Length; i++) g.CountReceived(i, 0, TimeSpan.Zero, samples[i]);
        var sorted = samples.Order().ToArray();
        var p99 = g.ToReport().Rtt!.P99;
        var exact = sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
        Assert.InRange(p99.Ticks, exact.Ticks, exact.Ticks + exact.Ticks / 1000 + 1);
    }

    [Fact]
    public void Refused_sends_are_counted_by_errno()
    {
        var f = new FlowStats("f", "udp");
        f.CountSendFailed(Errno.EHOSTUNREACH);
        f.CountSendFailed(Errno.EHOSTUNREACH);
        f.CountSendFailed(Errno.ENETUNREACH);
        Assert.Equal(new Dictionary<string, long> { ["EHOSTUNREACH"] = 2, ["ENETUNREACH"] = 1 }, f.ToReport().SendFailed);
    }

    /// <summary>The ring that grows with the span of arrivals answers, arrival by arrival, what the full 8 KiB window
    /// (the implementation before it, kept below as the reference) answered: forward runs, gaps of every size, jumps
    /// past the window, late and repeated numbers, numbers below the first and below zero.</summary>
    [Theory]
    [InlineData(1, 64)]
    [InlineData(2, 1_000)]
    [InlineData(3, SequenceWindow.Size)]
    [InlineData(4, 4 * SequenceWindow.Size)]
    public void The_growing_window_answers_as_the_full_window_did(int seed, int spread)
    {
        var random = new Random(seed);
        var window = new SequenceWindow();
        var reference = new FullSequenceWindow();
        long next = random.Next(-10, 100);
        for (var i = 0; i < 100_000; i++)
        {
            var s = random.Next(12) switch
            {
                < 6 => next += 1,
                6 => next += random.Next(1, spread),
                7 => next - random.Next(0, spread),
                8 => next - random.Next(0, 70),
                9 => next - random.Next(SequenceWindow.Size - 3, SequenceWindow.Size + 3),
                10 => random.Next(-100, 100),
                _ => next,
            };
            Assert.Equal(reference.Add(s), window.Add(s));
            Assert.Equal(reference.Distinct, window.Distinct);
            Assert.InRange(window.Capacity, 64, SequenceWindow.Size);
        }
    }

    [Fact]
    public void A_short_flow_keeps_one_word_and_a_long_one_the_whole_window()
    {
        var shortFlow = new SequenceWindow();
        for (var s = 1; s <= 50; s++) shortFlow.Add(s);
        Assert.Equal(64, shortFlow.Capacity);
        var longFlow = new SequenceWindow();
        for (var s = 1; s <= 3 * SequenceWindow.Size; s++) longFlow.Add(s);
        Assert.Equal(SequenceWindow.Size, longFlow.Capacity);
        Assert.Equal(SequenceWindow.Arrival.Duplicate, longFlow.Add(2 * SequenceWindow.Size + 5));
        Assert.Equal(SequenceWindow.Arrival.Late, longFlow.Add(5)); // below the window
    }

    /// <summary>The window as it was: all <see cref="SequenceWindow.Size"/> bits from the first arrival.</summary>
    private sealed class FullSequenceWindow
    {
        private const int Size = SequenceWindow.Size;
        private ulong[]? _bits;
        private long _highest = -1;
        public long Distinct { get; private set; }

        public SequenceWindow.Arrival Add(long sequence)
        {
            _bits ??= new ulong[Size / 64];
            if (sequence > _highest)
            {
                if (_highest < 0 || sequence - _highest >= Size) Array.Clear(_bits);
                else for (var n = _highest + 1; n < sequence; n++) _bits[(int)(n & (Size - 1)) >> 6] &= ~(1UL << (int)(n & 63));
                _highest = sequence;
                Set(sequence);
                Distinct++;
                return SequenceWindow.Arrival.InOrder;
            }
            if (_highest - sequence >= Size)
            {
                Distinct++;
                return SequenceWindow.Arrival.Late;
            }
            if ((_bits[(int)(sequence & (Size - 1)) >> 6] & (1UL << (int)(sequence & 63))) != 0) return SequenceWindow.Arrival.Duplicate;
            Set(sequence);
            Distinct++;
            return SequenceWindow.Arrival.Late;
        }

        private void Set(long n) => _bits![(int)(n & (Size - 1)) >> 6] |= 1UL << (int)(n & 63);
    }

    [Fact]
    public void Each_interval_hands_out_its_own_RTT_samples_while_the_lists_are_reused()
    {
        var f = new FlowStats("p", "ping") { KeepsRttSamples = true };
        List<(TimeSpan At, TimeSpan Rtt)> Interval(params int[] rttsMs)
        {
            foreach (var ms in rttsMs)
            {
                f.CountSent(ms, TimeSpan.Zero);
                f.CountReceived(ms, 64, TimeSpan.FromMilliseconds(ms), TimeSpan.FromMilliseconds(ms));
            }
            var (interval, samples) = f.TakeInterval();
            Assert.Equal(rttsMs.Length, interval.RttCount);
            return samples;
        }

        var first = Interval(1, 2);
        Assert.Equal([1.0, 2.0], first.Select(s => s.Rtt.TotalMilliseconds)); // read at once, as the sampler does
        var second = Interval(3);
        Assert.Equal([3.0], second.Select(s => s.Rtt.TotalMilliseconds));
        Assert.Empty(Interval());
        var fourth = Interval(4, 5, 6);
        Assert.Equal([4.0, 5.0, 6.0], fourth.Select(s => s.Rtt.TotalMilliseconds));
        Assert.Same(second, fourth); // two lists alternate (the empty third interval was the first list): the one handed out last is never written into
        f.CountSent(7, TimeSpan.Zero);
        f.CountReceived(7, 64, TimeSpan.FromMilliseconds(7), TimeSpan.FromMilliseconds(7)); // the next interval records ...
        Assert.Equal([4.0, 5.0, 6.0], fourth.Select(s => s.Rtt.TotalMilliseconds)); // ... elsewhere: valid until the next take
        Assert.Equal([7.0], f.TakeInterval().RttSamples.Select(s => s.Rtt.TotalMilliseconds));
    }
}
