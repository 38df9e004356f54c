using System.Globalization;
using NetSim.Scenario.Running;
using NetSim.Scenario.TimeSeries;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>timeseries.csv: hand-computed figures, sums equal to the report's totals, identical bytes on a rerun.</summary>
public class TimeSeriesTests
{
    // 200 datagrams/s of 1000 bytes (1028-byte IP packets) into a link whose rate carries exactly 100 of them a
    // second: every packet takes 8224 bits / 822400 bit/s = 10 ms on the wire, no delay, a queue big enough for all.
    private const string Bottleneck = """
        seed = 1
        duration = 3s
        hosts {
          h1 { nics { eth0 { type = tun, addresses = ["10.0.0.1/24"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.0.2/24"] } } }
        }
        links { l1 { a = "h1.eth0", b = "h2.eth0", rate = 822400bps, queue = 1000 } }
        script = [
          { at = 1s, udp { name = "f1", from = h1, to = "10.0.0.2", port = 5001, rate = 200, size = 1000, count = 100 } }
        ]
        """;

    internal static Scenario Load(string text, params string[] set)
    {
        var result = ScenarioLoader.LoadFromText(text, "test.conf", set);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Scenario!;
    }

    private static string NewFolder() =>
        Directory.CreateTempSubdirectory("netsim-timeseries-").FullName;

    private sealed record Row(decimal Time, string Subject, string Metric, double Value);

    private static List<Row> Read(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "timeseries.csv"));
        Assert.Equal(TimeSeriesWriter.Header, lines[0]);
        return lines.Skip(1).Select(l => l.Split(',')).Select(p => new Row(
            decimal.Parse(p[0], CultureInfo.InvariantCulture), p[1], p[2], double.Parse(p[3], CultureInfo.InvariantCulture))).ToList();
    }

    private static Dictionary<decimal, double> Series(List<Row> rows, string subject, string metric) =>
        rows.Where(r => r.Subject == subject && r.Metric == metric).ToDictionary(r => r.Time, r => r.Value);

    [Fact]
    public void Constant_rate_udp_over_a_bottleneck_gives_the_hand_computed_throughput_per_interval()
    {
        var folder = NewFolder();
        ScenarioRunner.Run(Load(Bottleneck), new RunOptions(folder));
        var rows = Read(folder);

        // Arrivals at 1.01, 1.02, ... 2.00 s: ten per 100 ms interval from (1.0, 1.1] to (1.9, 2.0], none before or after.
        var throughput = Series(rows, "flows.f1", "throughput_bps");
        Assert.Equal(30, throughput.Count);
        foreach (var (t, v) in throughput)
            Assert.Equal(t is > 1.0m and <= 2.0m ? 10 * 1000 * 8 / 0.1 : 0, v, 6);
        var received = Series(rows, "flows.f1", "received");
        Assert.All(received, kv => Assert.Equal(kv.Key is > 1.0m and <= 2.0m ? 10 : 0, kv.Value));

        // Sends every 5 ms from 1.000 s: the first in (0.9, 1.0], twenty in each of the next four intervals, nineteen in (1.4, 1.5].
        var sent = Series(rows, "flows.f1", "sent");
        Assert.Equal(1, sent[1.0m]);
        Assert.Equal([20, 20, 20, 20, 19], new[] { 1.1m, 1.2m, 1.3m, 1.4m, 1.5m }.Select(t => sent[t]));
        Assert.Equal(100, sent.Values.Sum());
        Assert.All(Series(rows, "flows.f1", "lost"), kv => Assert.Equal(0, kv.Value));

        // The link runs at its full rate while it delivers: 10 x 8224 bits per 100 ms = 822400 bit/s.
        var utilisation = Series(rows, "nics.h1.eth0", "utilisation");
        Assert.All(utilisation, kv => Assert.Equal(kv.Key is > 1.0m and <= 2.0m ? 1.0 : 0.0, kv.Value, 9));
        // At 1.1 s: 21 sent, 10 arrived, so 11 waiting for or on the wire.
        Assert.Equal(11, Series(rows, "links.l1", "in_flight")[1.1m]);
        Assert.Equal(0, Series(rows, "links.l1", "in_flight")[2.0m]);
    }

    private const string Lossy = """
        seed = 3
        duration = 4s
        hosts {
          a { nics { eth0 { type = tun, addresses = ["10.0.0.1/24"], queue = 16 } } }
          b { nics { eth0 { type = tun, addresses = ["10.0.0.2/24"] } } }
        }
        links { l1 { a = "a.eth0", b = "b.eth0", delay = 20ms, jitter = 10ms, loss = 0.1, rate = 2Mbps, queue = 20 } }
        script = [
          { at = 0.5s, udp { name = "bulk", from = a, to = "10.0.0.2", port = 9, rate = 400, size = 1200, count = 1000 } }
          { at = 0.2s, ping { name = "echo", from = a, to = "10.0.0.2", count = 30, interval = 100ms } }
        ]
        """;

    [Fact]
    public void Per_interval_figures_add_up_to_the_run_totals()
    {
        var folder = NewFolder();
        var report = ScenarioRunner.Run(Load(Lossy, "report.interval=70ms"), new RunOptions(folder)).Report;
        var rows = Read(folder);
        double Sum(string subject, string metric) => rows.Where(r => r.Subject == subject && r.Metric == metric).Sum(r => r.Value);

        foreach (var f in report.Flows)
        {
            Assert.True(f.Lost > 0, $"{f.Name} should lose packets on a 10% loss link");
            Assert.Equal(f.Sent, Sum("flows." + f.Name, "sent"));
            Assert.Equal(f.Received, Sum("flows." + f.Name, "received"));
            Assert.Equal(f.Lost, Sum("flows." + f.Name, "lost"));
            var bits = rows.Where(r => r.Subject == "flows." + f.Name && r.Metric == "throughput_bps").Sum(r => r.Value * IntervalSeconds(r.Time));
            Assert.Equal(f.ReceivedBytes * 8, bits, 3);
        }
        foreach (var n in report.Nics)
        {
            var subject = $"nics.{n.Host}.{n.Nic}";
            Assert.Equal(n.TxPackets, Sum(subject, "tx_packets"));
            Assert.Equal(n.RxPackets, Sum(subject, "rx_packets"));
            Assert.Equal(n.TxDropped, Sum(subject, "tx_dropped"));
        }
        // Each direction of the link: offered, delivered and dropped add up to the report's per-wire totals.
        var wires = report.Links!.Single().Wires;
        Assert.Equal(2, wires.Count);
        foreach (var w in wires)
        {
            var subject = $"links.l1.{w.From}>{w.To}";
            Assert.Equal(w.Offered, Sum(subject, "offered"));
            Assert.Equal(w.Delivered, Sum(subject, "delivered"));
            Assert.Equal(w.Dropped.Values.Sum(), Sum(subject, "dropped"));
        }
        Assert.True(Sum("links.l1.a.eth0>b.eth0", "dropped") > 0);

        // The RTT summary covers every reply once, and rtt.csv has every sample, with the report's extremes.
        var echo = report.Flows.Single(f => f.Name == "echo");
        Assert.Equal(echo.Received, Sum("flows.echo", "rtt_count"));
        var samples = File.ReadAllLines(Path.Combine(folder, "rtt.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(echo.Received, samples.Count);
        Assert.Equal(echo.Rtt!.Min.TotalMilliseconds, samples.Min(), 6);
        Assert.Equal(echo.Rtt!.Max.TotalMilliseconds, samples.Max(), 6);
        // Samples every 70 ms and one at the end (4 s is not a multiple of 70 ms).
        var times = rows.Select(r => r.Time).Distinct().ToList();
        Assert.Equal(58, times.Count);
        Assert.Equal(4.0m, times[^1]);

        static double IntervalSeconds(decimal t) => t == 4.0m ? (double)(4.0m - 57 * 0.07m) : 0.07;
    }

    // b.eth0 closes at 1.05 s while a floods it: its NIC is gone from then on, a sample later than the last one it was
    // asked for directly.
    private const string ClosedMidRun = """
        seed = 1
        duration = 2s
        hosts {
          a { nics { eth0 { type = tun, addresses = ["10.0.0.1/24"] } } }
          b { nics { eth0 { type = tun, addresses = ["10.0.0.2/24"] } } }
        }
        links { l1 { a = "a.eth0", b = "b.eth0", delay = 1ms } }
        script = [
          { at = 0.5s, udp { name = "flood", from = a, to = "10.0.0.2", port = 9, rate = 1000, size = 100, count = 1000 } }
          { at = 1.05s, close-devices = "b.eth0" }
        ]
        """;

    [Fact]
    public void A_nic_closed_mid_run_keeps_its_last_counters_and_the_samples_go_on()
    {
        var folder = NewFolder();
        var report = ScenarioRunner.Run(Load(ClosedMidRun), new RunOptions(folder)).Report;
        var rows = Read(folder);
        var rx = Series(rows, "nics.b.eth0", "rx_packets");
        // Every sample has the NIC: before the close with what arrived (1 frame a ms), after it with nothing new.
        Assert.Equal(20, rx.Count);
        Assert.Equal(100, rx[0.6m]);
        Assert.True(rx[1.1m] is > 0 and < 100, $"rx in the interval of the close: {rx[1.1m]}");
        Assert.All(rx.Where(p => p.Key >= 1.2m), p => Assert.Equal(0, p.Value));
        Assert.Equal(0, Series(rows, "nics.b.eth0", "queue")[1.5m]);
        // What arrived before the close is all there is: the samples add up to the NIC's final counters.
        var b = report.Nics.Single(n => n.Host == "b");
        Assert.Equal(b.RxPackets, rx.Values.Sum());
        Assert.True(b.RxPackets is > 500 and < 600, $"b received {b.RxPackets}");
        // The sender's NIC, asked directly at every sample, goes on counting.
        Assert.Equal(1000, Series(rows, "nics.a.eth0", "tx_packets").Values.Sum());
    }

    [Fact]
    public void A_rerun_writes_the_same_bytes()
    {
        var a = NewFolder();
        var b = NewFolder();
        ScenarioRunner.Run(Load(Lossy), new RunOptions(a));
        ScenarioRunner.Run(Load(Lossy), new RunOptions(b));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "timeseries.csv")), File.ReadAllBytes(Path.Combine(b, "timeseries.csv")));
    }

    [Fact]
    public void Interval_zero_writes_no_time_series()
    {
        var folder = NewFolder();
        var files = ScenarioRunner.Run(Load(Bottleneck, "report.interval=0"), new RunOptions(folder)).Files;
        Assert.DoesNotContain(files, f => f.EndsWith("timeseries.csv", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(folder, "timeseries.csv")));
    }

    [Theory]
    [InlineData("report.interval=soon", "report.interval", "is not a duration")]
    [InlineData("report.interval=10us", "report.interval", "at least 1ms")]
    [InlineData("report.plot=off", "report.plot", "did you mean 'plots'")]
    public void Bad_report_settings_name_their_key(string set, string key, string message)
    {
        var result = ScenarioLoader.LoadFromText(Bottleneck, "test.conf", [set]);
        var error = Assert.Single(result.Errors);
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Schedule_merges_samples_and_progress_points_and_ends_at_the_duration()
    {
        var points = TimeSeriesSampler.Schedule(TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(100), 2).ToList();
        Assert.Equal(
            [(100, true, false), (125, false, true), (200, true, false), (250, true, true)],
            points.Select(p => ((int)p.At.TotalMilliseconds, p.Sample, p.Progress)));
    }

    [Fact]
    public void The_writers_put_rows_together_as_UTF_8_whatever_their_length()
    {
        var folder = Directory.CreateTempSubdirectory("netsim-csv-");
        try
        {
            var series = Path.Combine(folder.FullName, "timeseries.csv");
            var rtts = Path.Combine(folder.FullName, "rtt.csv");
            var wide = "nics.hôte-" + new string('x', 70_000); // a subject longer than the output's 64 KiB buffer, not ASCII
            var expected = new System.Text.StringBuilder("time_s,subject,metric,value\n");
            using (var writer = TimeSeriesWriter.Create(series))
            {
                for (var k = 0; k < 3_000; k++) // about 100 KB: the buffer is handed to the file several times
                {
                    var at = TimeSpan.FromTicks(k * 1_000_001L);
                    var value = k % 3 == 0 ? k : k % 3 == 1 ? k / 7.0 : -0.0;
                    writer.Write(at, "links.l1", "delivered", value);
                    expected.Append((at.Ticks / (decimal)TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture))
                        .Append(",links.l1,delivered,")
                        .Append(value == 0 ? "0" : value == Math.Floor(value) ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture))
                        .Append('\n');
                }
                writer.Write(TimeSpan.FromSeconds(9.5), wide, "queue", 1e300);
                expected.Append("9.5,").Append(wide).Append(",queue,1E+300\n");
            }
            using (var writer = RttSampleWriter.Create(rtts)) writer.Write(TimeSpan.FromTicks(12_345_678), "p1", TimeSpan.FromTicks(10_001));

            Assert.Equal(expected.ToString(), File.ReadAllText(series, System.Text.Encoding.UTF8));
            Assert.Equal("time_s,flow,rtt_ms\n1.2345678,p1,1.0001\n", File.ReadAllText(rtts));
            Assert.NotEqual(0xEF, File.ReadAllBytes(series)[0]); // no byte-order mark
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
