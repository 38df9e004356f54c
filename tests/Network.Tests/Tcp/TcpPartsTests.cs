using NetSim.Network.Tcp;

namespace NetSim.Network.Tests.Tcp;

/// <summary>The pieces under a connection: sequence arithmetic, range sets (SACK), the byte ring, congestion controls.</summary>
public class TcpPartsTests
{
    private static SeqNumber S(uint v) => new(v);

    [Fact]
    public void Sequence_numbers_compare_across_the_wrap()
    {
        Assert.True(S(0xFFFF_FFF0) < S(0x10));
        Assert.True(S(0x10) > S(0xFFFF_FFF0));
        Assert.Equal(0x20, S(0x10) - S(0xFFFF_FFF0));
        Assert.Equal(S(0x0F), S(0xFFFF_FFFF) + 0x10);
        Assert.True(S(5).InRange(S(0xFFFF_FFFE), S(10)));
        Assert.Equal(S(0x10), SeqNumber.Max(S(0xFFFF_FFF0), S(0x10)));
    }

    [Fact]
    public void Range_set_merges_overlapping_and_touching_ranges_and_counts_bytes()
    {
        var set = new SeqRangeSet(4);
        Assert.True(set.Add(S(100), S(200)));
        Assert.True(set.Add(S(300), S(400)));
        Assert.True(set.Add(S(200), S(300))); // touches both: one range
        Assert.Equal(1, set.Count);
        Assert.Equal(300, set.Bytes);
        Assert.True(set.Add(S(500), S(600)));
        Assert.True(set.Add(S(50), S(120)));
        Assert.Equal(S(50), set.StartAt(0));
        Assert.Equal(450, set.Bytes);
        Assert.Equal(50, set.BytesBetween(S(350), S(550)) - 50);
        set.RemoveBelow(S(150));
        Assert.Equal(S(150), set.StartAt(0));
        Assert.Equal(350, set.Bytes);
        Assert.Equal(0, set.IndexOf(S(150)));
        Assert.Equal(-1, set.IndexOf(S(450)));
        Assert.Equal(S(500), set.NextStartAtOrAbove(S(450)));
    }

    [Fact]
    public void Range_set_works_across_the_wrap_and_refuses_a_range_when_full()
    {
        var set = new SeqRangeSet(2);
        Assert.True(set.Add(S(0xFFFF_FF00), S(0x100)));
        Assert.Equal(0x200, set.Bytes);
        Assert.True(set.Add(S(0x200), S(0x300)));
        Assert.False(set.Add(S(0x400), S(0x500)));
        Assert.Equal(2, set.Count);
        Assert.True(set.Add(S(0x100), S(0x200))); // merging needs no new slot
        Assert.Equal(1, set.Count);
    }

    [Fact]
    public void Ring_buffer_wraps_and_parks_bytes_beyond_the_readable_end()
    {
        var ring = new TcpRingBuffer(8);
        Assert.Equal(6, ring.Write("abcdef"u8));
        var two = new byte[2];
        ring.Read(two);
        ring.Read(two);
        Assert.Equal(2, ring.Count);
        ring.WriteAt(4, "XY"u8); // parked past a gap
        Assert.Equal(4, ring.Write("ghij"u8)); // wraps; fills the gap and runs over the parked bytes
        var all = new byte[6];
        ring.Peek(0, all);
        Assert.Equal("efghij"u8.ToArray(), all);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.WriteAt(7, "zz"u8.ToArray()));
    }

    [Theory]
    [InlineData("newreno")]
    [InlineData("cubic")]
    public void Congestion_controls_grow_in_slow_start_and_cut_on_loss(string name)
    {
        var cc = CongestionControls.Create(name);
        var w = new CongestionWindow { Mss = 1000, Cwnd = 10_000 };
        cc.Init(w, TimeSpan.Zero);
        cc.IncreaseWindow(w, 1000, TimeSpan.Zero);
        Assert.Equal(11_000, w.Cwnd);
        int ssthresh = cc.SsThresh(w, 11_000);
        Assert.Equal(name == "cubic" ? 7700 : 5500, ssthresh);
    }

    [Fact]
    public void Cubic_grows_back_towards_its_previous_maximum_then_beyond()
    {
        var cc = new Cubic();
        var w = new CongestionWindow { Mss = 1000, Cwnd = 100_000, SRtt = TimeSpan.FromMilliseconds(100) };
        w.SsThresh = cc.SsThresh(w, 100_000);
        w.Cwnd = w.SsThresh;
        var now = TimeSpan.Zero;
        // K = cbrt(100 * 0.3 / 0.4) = 4.2 s to regain W_max; one window of ACKs per 100 ms RTT.
        for (int rtt = 0; rtt < 40; rtt++, now += TimeSpan.FromMilliseconds(100))
            cc.IncreaseWindow(w, w.Cwnd, now);
        Assert.InRange(w.Cwnd, 90_000, 101_000);
        for (int rtt = 0; rtt < 30; rtt++, now += TimeSpan.FromMilliseconds(100))
            cc.IncreaseWindow(w, w.Cwnd, now);
        Assert.True(w.Cwnd > 105_000, $"{w.Cwnd}");
    }

    [Fact]
    public void A_congestion_control_in_one_file_is_found_by_its_name()
    {
        Assert.Contains("cubic", CongestionControls.Names);
        Assert.Contains("newreno", CongestionControls.Names);
        Assert.IsType<FixedWindow>(CongestionControls.Create("fixed-test"));
        new TcpConfig { CongestionControl = "fixed-test" }.Validate();
        Assert.Throws<ArgumentException>(() => new TcpConfig { CongestionControl = "nope" }.Validate());
    }
}

/// <summary>A congestion control a researcher could write: a constant window (here only to prove discovery by name).</summary>
[CongestionControl("fixed-test")]
public sealed class FixedWindow : ICongestionControl
{
    public int SsThresh(CongestionWindow w, int bytesInFlight) => w.Cwnd;
    public void IncreaseWindow(CongestionWindow w, int ackedBytes, TimeSpan now) { }
}
