using System.Text.Json;
using Xunit;

namespace NetSim.Cli.Tests;

/// <summary>Every sample in samples/ runs through <c>netsim run</c> and its report shows what the sample is about.</summary>
public class SampleTests
{
    /// <summary>One check per sample: what its report must show. A sample without an entry fails <see cref="Every_sample_has_a_check"/>.</summary>
    private static readonly Dictionary<string, Action<JsonElement>> Checks = new(StringComparer.Ordinal)
    {
        ["two-hosts-tun"] = r =>
        {
            var f = Flow(r, "ping-h2");
            Assert.Equal(5, f.GetProperty("sent").GetInt64());
            Assert.Equal(5, f.GetProperty("received").GetInt64());
            var rtt = f.GetProperty("rttMs");
            foreach (var stat in new[] { "min", "mean", "p50", "p99", "max" })
                Assert.Equal(10.0, rtt.GetProperty(stat).GetDouble());
        },
        ["switched-lan"] = r =>
        {
            var f = Flow(r, "h1-h3");
            Assert.Equal(3, f.GetProperty("sent").GetInt64());
            Assert.Equal(3, f.GetProperty("received").GetInt64());
            Assert.Equal(1, Nic(r, "h2", "eth0").GetProperty("rxPackets").GetInt64());
            Assert.Equal(1, HostCounter(r, "h1", "neighbour.arp-requests-sent"));
        },
        ["router-chain-ttl"] = r =>
        {
            var ttl2 = Flow(r, "ttl-2");
            Assert.Equal(3, ttl2.GetProperty("sent").GetInt64());
            Assert.Equal(0, ttl2.GetProperty("received").GetInt64());
            Assert.Equal(3, HostCounter(r, "h1", "icmpv4.in.time-exceeded"));
            Assert.Equal(3, HostCounter(r, "r2", "ipv4.ttl-exceeded"));
            Assert.Equal(3, HostCounter(r, "r2", "icmpv4.out.time-exceeded"));
            Assert.Equal(3, Flow(r, "ttl-64").GetProperty("received").GetInt64());
        },
        ["lossy-link-udp"] = r =>
        {
            var stream = Flow(r, "stream");
            var sent = stream.GetProperty("sent").GetInt64();
            var lost = stream.GetProperty("lost").GetInt64();
            Assert.Equal(2000, sent);
            Assert.Equal(sent, stream.GetProperty("received").GetInt64() + lost);
            var loss = (double)lost / sent;
            Assert.InRange(loss, double.Epsilon, 0.1);
            var rtt = Flow(r, "rtt");
            Assert.InRange(rtt.GetProperty("received").GetInt64(), 1, 99); // 5% loss each way: some of 100 go missing
            var stats = rtt.GetProperty("rttMs");
            Assert.Equal(JsonValueKind.Object, stats.ValueKind);
            // 2 x 20 ms delay + up to 2 x 5 ms jitter (+ serialisation of 84 bytes at 10 Mbit/s).
            Assert.InRange(stats.GetProperty("min").GetDouble(), 40, stats.GetProperty("mean").GetDouble());
            Assert.InRange(stats.GetProperty("max").GetDouble(), stats.GetProperty("mean").GetDouble(), 52);
            Assert.True(stats.GetProperty("p50").GetDouble() <= stats.GetProperty("p99").GetDouble());
        },
        ["router-mesh"] = r =>
        {
            // Every flow crosses r1 over two lossy links: all datagrams leave, some are lost, what arrives was forwarded.
            Assert.Equal(1500, Flow(r, "h1-h2").GetProperty("sent").GetInt64());
            Assert.Equal(900, Flow(r, "h3-h2").GetProperty("sent").GetInt64());
            var udpReceived = Flow(r, "h1-h2").GetProperty("received").GetInt64() + Flow(r, "h3-h2").GetProperty("received").GetInt64();
            Assert.InRange(udpReceived, 1, 2399);
            Assert.InRange(Flow(r, "h1-h3").GetProperty("received").GetInt64(), 1, 49);
            Assert.True(HostCounter(r, "r1", "ipv4.forwarded-datagrams") >= udpReceived);
        },
        ["loss-sweep"] = r =>
        {
            // One cell of the sample experiment: 2% loss each way; netsim sweep varies it (tests/Experiments.Tests).
            var stream = Flow(r, "stream");
            Assert.Equal(1000, stream.GetProperty("sent").GetInt64());
            Assert.InRange(stream.GetProperty("lost").GetInt64(), 1, 60);
            var rtt = Flow(r, "rtt").GetProperty("rttMs");
            Assert.InRange(rtt.GetProperty("min").GetDouble(), 20, 25); // 2 x 10 ms delay + up to 2 x 2 ms jitter
            Assert.InRange(rtt.GetProperty("max").GetDouble(), 20, 25);
        },
        ["queue-overflow"] = r =>
        {
            var eth1 = Nic(r, "h1", "eth1");
            Assert.Equal(64, eth1.GetProperty("queued").GetInt64());
            Assert.Equal(0, eth1.GetProperty("txPackets").GetInt64()); // nobody read them: TX counts reads, as Linux's tun does
            Assert.Equal(936, eth1.GetProperty("txDropped").GetInt64());
            Assert.Equal(936, eth1.GetProperty("dropReasons").GetProperty("queue-full").GetInt64());
            Assert.Equal(1000, Flow(r, "flood").GetProperty("sent").GetInt64());
        },
        ["closed-device"] = r =>
        {
            var f = Flow(r, "ping-h2");
            Assert.Equal(8, f.GetProperty("sent").GetInt64());
            Assert.Equal(3, f.GetProperty("received").GetInt64());
            Assert.Equal(3, Nic(r, "h2", "eth0").GetProperty("txPackets").GetInt64()); // kept from when the NIC went
        },
        ["tcp-single-flow"] = r =>
        {
            var t = Flow(r, "bulk").GetProperty("tcp");
            Assert.True(t.GetProperty("completed").GetBoolean());
            Assert.Equal(t.GetProperty("bytesSent").GetInt64(), t.GetProperty("bytes").GetInt64());
            Assert.InRange(t.GetProperty("goodputBitsPerSecond").GetDouble(), 9.0e6, 10e6);
            Assert.InRange(t.GetProperty("minRttMs").GetDouble(), 40, 41.5);
            Assert.Equal("cubic", t.GetProperty("congestionControl").GetString());
            Assert.Equal(1, HostCounter(r, "h1", "tcp.active-opens"));
            Assert.Equal(1, HostCounter(r, "h2", "tcp.passive-opens"));
        },
        ["tcp-bufferbloat"] = r =>
        {
            var bloated = Flow(r, "bloated").GetProperty("tcp");
            var sized = Flow(r, "sized").GetProperty("tcp");
            Assert.True(bloated.GetProperty("srttMs").GetDouble() > 5 * sized.GetProperty("srttMs").GetDouble());
            Assert.InRange(sized.GetProperty("goodputBitsPerSecond").GetDouble(), 9.0e6, 10e6);
        },
        ["tcp-shared-bottleneck"] = r =>
        {
            double G(string flow) => Flow(r, flow).GetProperty("tcp").GetProperty("goodputBitsPerSecond").GetDouble();
            double a = G("cubic-1"), b = G("cubic-2");
            Assert.True((a + b) * (a + b) / (2 * (a * a + b * b)) >= 0.9, $"Jain's index of {a} and {b}");
            Assert.Equal("newreno", Flow(r, "newreno-vs").GetProperty("tcp").GetProperty("congestionControl").GetString());
        },
    };

    /// <summary>Samples with a bridge to a kernel device: they need root and real time, and tests/Bridge.Tests runs them.</summary>
    private static readonly string[] KernelSamples = ["kernel-bridge"];

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Cli.SamplesDirectory, "*.conf").Order(StringComparer.Ordinal))
            if (!KernelSamples.Contains(Path.GetFileNameWithoutExtension(f))) data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Fact]
    public void Every_sample_has_a_check()
    {
        var samples = Directory.GetFiles(Cli.SamplesDirectory, "*.conf").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(Checks.Keys.Concat(KernelSamples).Order(StringComparer.Ordinal), samples!);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_runs_and_its_report_shows_its_point(string name)
    {
        using var dir = new TempFolder();
        var result = Cli.Run("run", Cli.Sample(name), "--out", dir.Path);
        Assert.True(result.ExitCode == NetSimCommand.Ok, result.ToString());
        Assert.Equal("", result.Error);
        Assert.Contains("all expectations held", result.Output);

        using var report = Cli.Report(dir.Path);
        var r = report.RootElement;
        Assert.Equal(name + ".conf", r.GetProperty("scenario").GetString());
        Assert.Equal("virtual", r.GetProperty("timeMode").GetString());
        Assert.True(r.GetProperty("passed").GetBoolean());
        var expectations = r.GetProperty("expectations").EnumerateArray().ToList();
        Assert.NotEmpty(expectations);
        Assert.All(expectations, e => Assert.Equal("pass", e.GetProperty("verdict").GetString()));
        Assert.True(File.Exists(dir["counters.csv"]));

        Assert.True(Checks.TryGetValue(name, out var check), $"samples/{name}.conf has no check in SampleTests.Checks");
        check(r);
    }

    [Fact]
    public void Validate_accepts_every_sample()
    {
        foreach (var (name, _) in Checks)
        {
            var result = Cli.Run("validate", Cli.Sample(name));
            Assert.True(result.ExitCode == NetSimCommand.Ok, result.ToString());
            Assert.Contains($"{name}.conf: ok", result.Output);
        }
    }

    internal static JsonElement Flow(JsonElement report, string name) =>
        Assert.Single(report.GetProperty("flows").EnumerateArray(), f => f.GetProperty("name").GetString() == name);

    internal static JsonElement Nic(JsonElement report, string host, string nic) =>
        Assert.Single(report.GetProperty("nics").EnumerateArray(),
            n => n.GetProperty("host").GetString() == host && n.GetProperty("nic").GetString() == nic);

    internal static long HostCounter(JsonElement report, string host, string counter) =>
        Assert.Single(report.GetProperty("hosts").EnumerateArray(), h => h.GetProperty("host").GetString() == host)
            .GetProperty("counters").GetProperty(counter).GetInt64();
}
