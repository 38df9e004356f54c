using System.Globalization;
using NetSim.Scenario.Running;
using NetSim.Scenario.TimeSeries;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>timeseries.csv for tcp flows: bytes that add up to the report, a cwnd for every interval the flow runs, identical reruns.</summary>
public class TcpTimeSeriesTests
{
    // 2 s of bulk TCP over a 10 Mbit/s link with 5 ms each way, a queue small enough that slow start overflows it
    // (retransmits), sampled every 100 ms; the flow runs from 0.5 s to 2.5 s, the run to 3 s.
    private const string OneFlow = """
        seed = 1
        duration = 3s
        hosts {
          h1 { nics { eth0 { type = tun, addresses = ["10.0.0.1/30"] } } }
          h2 { nics { eth0 { type = tun, addresses = ["10.0.0.2/30"] } } }
        }
        links { l1 { a = "h1.eth0", b = "h2.eth0", delay = 5ms, rate = 10Mbps, queue = 20 } }
        script = [
          { at = 500ms, tcp { name = bulk, from = h1, to = "10.0.0.2", port = 5001, duration = 2s } }
        ]
        """;

    private sealed record Row(decimal Time, string Subject, string Metric, double Value);

    private static List<Row> Read(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "timeseries.csv")).Skip(1).Select(l => l.Split(',')).Select(p => new Row(
            decimal.Parse(p[0], CultureInfo.InvariantCulture), p[1], p[2], double.Parse(p[3], CultureInfo.InvariantCulture))).ToList();

    private static (RunResult Result, string Folder) Run(params string[] set)
    {
        var folder = Directory.CreateTempSubdirectory("netsim-tcp-timeseries-").FullName;
        return (ScenarioRunner.Run(TimeSeriesTests.Load(OneFlow, set), new RunOptions(folder)), folder);
    }

    [Fact]
    public void A_tcp_flow_has_bytes_that_sum_to_the_report_and_a_cwnd_every_interval_it_runs()
    {
        var (result, folder) = Run();
        var rows = Read(folder).Where(r => r.Subject == "flows.bulk").ToList();
        var tcp = Assert.Single(result.Report.Flows, f => f.Name == "bulk").Tcp!;
        Assert.True(tcp.Bytes > 1_000_000, $"received {tcp.Bytes}");

        var bytes = rows.Where(r => r.Metric == "received_bytes").ToList();
        Assert.Equal(30, bytes.Count);
        Assert.Equal(tcp.Bytes, (long)bytes.Sum(r => r.Value));
        foreach (var b in bytes)
            Assert.Equal(b.Value * 8 / 0.1, rows.Single(r => r.Time == b.Time && r.Metric == "throughput_bps").Value, 6);

        // Connected within the first interval after 0.5 s: cwnd (and srtt) at every sample from 0.6 s to the end.
        var cwnd = rows.Where(r => r.Metric == "cwnd").ToDictionary(r => r.Time, r => r.Value);
        for (var t = 0.6m; t <= 3.0m; t += 0.1m)
        {
            Assert.True(cwnd.TryGetValue(t, out var c) && c > 0, $"no cwnd at {t}");
            Assert.Contains(rows, r => r.Time == t && r.Metric == "srtt_ms" && r.Value >= 10);
        }
        Assert.DoesNotContain(rows, r => r.Metric == "cwnd" && r.Time <= 0.5m);
        Assert.True(tcp.RetransmittedSegments > 0, "the small queue should make slow start lose segments");
        Assert.Equal(tcp.RetransmittedSegments, (long)rows.Where(r => r.Metric == "retransmits").Sum(r => r.Value));
        Assert.Equal(tcp.Timeouts, (long)rows.Where(r => r.Metric == "timeouts").Sum(r => r.Value));
        Assert.Equal(tcp.FinalCwnd, (long)cwnd[3.0m]);
    }

    [Fact]
    public void A_tcp_flow_time_series_is_byte_identical_on_a_rerun_and_changes_no_other_result()
    {
        var (_, first) = Run();
        var (_, second) = Run();
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "timeseries.csv")), File.ReadAllBytes(Path.Combine(second, "timeseries.csv")));
        // Asking the sender for its numbers at every sample moves no event: the report is the same without a time series.
        var (_, unsampled) = Run("report.interval=0");
        Assert.False(File.Exists(Path.Combine(unsampled, "timeseries.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(first, "report.json")), File.ReadAllText(Path.Combine(unsampled, "report.json")));
    }
}
