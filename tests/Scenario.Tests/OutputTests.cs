using System.Diagnostics;
using System.Text;
using NetSim.Scenario;
using NetSim.Scenario.Output;
using NetSim.Scenario.Reports;
using Xunit;
using NetSim.Actors.Time;

namespace NetSim.Scenario.Tests;

public class OutputTests
{
    [Fact]
    public void Pcap_header_bytes_are_exact()
    {
        using var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, PcapLinkType.Ethernet)) { }
        Assert.Equal(new byte[]
        {
            0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        }, ms.ToArray());
    }

    [Fact]
    public void Pcap_record_header_uses_fixed_epoch_and_microseconds()
    {
        using var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, PcapLinkType.Raw))
            w.WriteFrame(TimeSpan.FromMilliseconds(1500.25), Ipv4Packet());
        var bytes = ms.ToArray();
        Assert.Equal(101u, BitConverter.ToUInt32(bytes, 20));
        Assert.Equal(946684800u + 1, BitConverter.ToUInt32(bytes, 24));
        Assert.Equal(500250u, BitConverter.ToUInt32(bytes, 28));
        Assert.Equal(28u, BitConverter.ToUInt32(bytes, 32));
        Assert.Equal(28u, BitConverter.ToUInt32(bytes, 36));
        Assert.Equal(24 + 16 + 28, bytes.Length);
    }

    [Fact]
    public void Pcap_is_read_by_tshark_without_warnings()
    {
        var tshark = FindOnPath("tshark");
        if (tshark is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "tshark is required in CI (apt-get install -y tshark)");
            return; // not installed on this developer machine: nothing to check
        }
        var dir = Path.Combine(Path.GetTempPath(), "netsim-scenario-tests");
        Directory.CreateDirectory(dir);
        var tap = Path.Combine(dir, "tap.pcap");
        var tun = Path.Combine(dir, "tun.pcap");
        using (var w = PcapWriter.Create(tap, PcapLinkType.Ethernet))
        {
            var frame = new byte[14 + 28];
            new byte[] { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00 }.CopyTo(frame, 0);
            Ipv4Packet().CopyTo(frame, 14);
            w.WriteFrame(TimeSpan.Zero, frame);
            w.WriteFrame(TimeSpan.FromMilliseconds(10), frame);
        }
        using (var w = PcapWriter.Create(tun, PcapLinkType.Raw))
            w.WriteFrame(TimeSpan.FromSeconds(1), Ipv4Packet());

        Assert.Equal("42\n42\n", RunTshark(tshark, tap));
        Assert.Equal("28\n", RunTshark(tshark, tun));
    }

    private static string RunTshark(string tshark, string file)
    {
        var psi = new ProcessStartInfo(tshark, ["-r", file, "-T", "fields", "-e", "frame.len"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["HOME"] = Path.GetTempPath();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "tshark did not finish");
        Assert.Equal(0, p.ExitCode);
        // tshark notes that it runs as root (CI does); that is about the user, not the file. Anything else is a warning.
        var warnings = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Running as user \"root\"", StringComparison.Ordinal));
        Assert.Empty(warnings);
        return stdout.Result;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>An IPv4 ICMP echo request with correct checksums: 10.0.0.1 -> 10.0.0.2.</summary>
    private static byte[] Ipv4Packet()
    {
        var p = new byte[28];
        p[0] = 0x45; p[3] = 28; p[8] = 64; p[9] = 1;
        new byte[] { 10, 0, 0, 1, 10, 0, 0, 2 }.CopyTo(p, 12);
        Checksum(p, 0, 20, 10);
        p[20] = 8; p[24] = 0; p[25] = 1; p[27] = 1;
        Checksum(p, 20, 8, 22);
        return p;
    }

    private static void Checksum(byte[] p, int offset, int length, int at)
    {
        uint sum = 0;
        for (int i = offset; i < offset + length; i += 2) sum += (uint)(p[i] << 8 | p[i + 1]);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        var c = (ushort)~sum;
        p[at] = (byte)(c >> 8);
        p[at + 1] = (byte)c;
    }

    private static RunReport SampleReport() => new(
        "full.conf", 42, TimeMode.Virtual, TimeSpan.FromSeconds(20),
        [new NicCounters("h1", "eth0", 10, 1000, 0, 0, 12, 1200, 2, 0, new Dictionary<string, long> { ["queue_full"] = 2, ["arp_failed"] = 0 }, Queued: 3)],
        [new FlowReport("p1", "ping", 5, 5, 0, 0, 0, new RttStatistics(TimeSpan.FromMilliseconds(20.5), TimeSpan.FromMilliseconds(21), TimeSpan.FromMilliseconds(21), TimeSpan.FromMilliseconds(22.25), TimeSpan.FromMilliseconds(22.5))),
         new FlowReport("udp-1", "udp", 100, 97, 3, 1, 2, null, new Dictionary<string, long> { ["EHOSTUNREACH"] = 4 })],
        [new HostStackCounters("r1", new Dictionary<string, long> { ["ip_forwarded"] = 105, ["icmp_time_exceeded"] = 0 })],
        [new ExpectationResult("expect-1", "p1", "delivery-ratio >= 0.99", 1.0, Verdict.Pass),
         new ExpectationResult("expect-2", "p1", "rtt-max <= 10ms", 22.5, Verdict.Fail)],
        [new WiresReport("l1", [new WireReport("h1.eth0", "r1.eth0", 12, 9, new Dictionary<string, long> { ["loss"] = 2 }, 1),
                                new WireReport("r1.eth0", "h1.eth0", 10, 10, new Dictionary<string, long>(), 0)])],
        [new WiresReport("sw1", [new WireReport("h2.eth0", "sw1", 5, 4, new Dictionary<string, long> { ["filtered"] = 1 }, 0)])]);

    [Fact]
    public void Report_json_is_byte_stable_and_ordered()
    {
        var a = ReportWriter.ToJson(SampleReport());
        var b = ReportWriter.ToJson(SampleReport());
        Assert.Equal(a, b);
        Assert.True(a.IndexOf("\"arp_failed\"", StringComparison.Ordinal) < a.IndexOf("\"queue_full\"", StringComparison.Ordinal));
        Assert.Contains("\"p99\": 22.25", a);
        Assert.Contains("\"rttMs\": null", a);
        Assert.Contains("\"verdict\": \"fail\"", a);
        Assert.Contains("\"passed\": false", a);
        Assert.DoesNotContain("\r", a);
        using var doc = System.Text.Json.JsonDocument.Parse(a);
        Assert.Equal(["scenario", "seed", "timeMode", "durationMs", "passed", "interrupted", "nics", "flows", "links", "switches", "hosts", "expectations"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        var direction = doc.RootElement.GetProperty("links")[0].GetProperty("directions")[0];
        Assert.Equal(["from", "to", "offered", "delivered", "dropped", "inFlight"], direction.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, direction.GetProperty("dropped").GetProperty("loss").GetInt64());
        Assert.Equal("sw1", doc.RootElement.GetProperty("switches")[0].GetProperty("ports")[0].GetProperty("to").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("nics")[0].GetProperty("queued").GetInt64());
        Assert.Equal(4, doc.RootElement.GetProperty("flows")[1].GetProperty("sendFailed").GetProperty("EHOSTUNREACH").GetInt64());
    }

    /// <summary>A report of thousands of hosts: more than the 1 MiB the JSON writer holds before handing it to the
    /// file, and more than the CSV file's buffer; empty drop maps shared (<see cref="ReportMaps.Empty"/>) beside full ones.</summary>
    private static RunReport BigReport(int hosts)
    {
        var names = NetSim.Protocol.Counters.CounterCatalogue.HostCounters.ToArray();
        return new RunReport("big.conf", 1, TimeMode.Virtual, TimeSpan.FromSeconds(10),
            [.. Enumerable.Range(0, hosts).Select(i => new NicCounters($"l{i}", "eth0", i, 84L * i, 0, 0, i, 84L * i, i % 7, 0,
                i % 7 == 0 ? ReportMaps.Empty : ReportMaps.Sorted(new Dictionary<string, long> { ["queue_full"] = i % 7, ["closed"] = 0 })))],
            [.. Enumerable.Range(0, hosts).Select(i => new FlowReport($"p{i}", "ping", 1, 1, 0, 0, 0, null, ReportMaps.Empty))],
            [.. Enumerable.Range(0, hosts).Select(i => new HostStackCounters($"l{i}", new NetSim.Protocol.Counters.SortedCounters(names) { [names[i % names.Length]] = i }))],
            [],
            [.. Enumerable.Range(0, hosts).Select(i => new WiresReport($"k{i}", [new WireReport($"l{i}.eth0", "hub", i, i, ReportMaps.Empty, 0)]))]);
    }

    [Fact]
    public void Big_reports_are_written_to_their_files_as_they_go_with_the_same_bytes()
    {
        var report = BigReport(5_000);
        var folder = Directory.CreateTempSubdirectory("netsim-big-report").FullName;
        try
        {
            var json = Path.Combine(folder, "report.json");
            var csv = Path.Combine(folder, "counters.csv");
            ReportWriter.Write(report, json);
            CountersCsvWriter.Write(report, csv);
            var jsonText = ReportWriter.ToJson(report);
            Assert.True(jsonText.Length > 2 << 20, $"{jsonText.Length} characters: past the writer's 1 MiB at least once");
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(jsonText), File.ReadAllBytes(json));
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(CountersCsvWriter.ToCsv(report)), File.ReadAllBytes(csv));
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(json));
            Assert.Equal(5_000, doc.RootElement.GetProperty("hosts").GetArrayLength());
            Assert.Equal("{}", doc.RootElement.GetProperty("nics")[0].GetProperty("dropReasons").GetRawText());
            Assert.Equal(["closed", "queue_full"], doc.RootElement.GetProperty("nics")[1].GetProperty("dropReasons").EnumerateObject().Select(p => p.Name));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Empty_report_maps_are_one_shared_sorted_map()
    {
        Assert.Same(ReportMaps.Empty, ReportMaps.Sorted(new Dictionary<string, long>()));
        Assert.Empty(ReportMaps.Empty);
        var sorted = ReportMaps.Sorted(new Dictionary<string, long> { ["b"] = 2, ["a"] = 1, ["B"] = 3 });
        Assert.Equal(["B", "a", "b"], sorted.Keys);
        Assert.Equal(ReportWriter.InKeyOrder(sorted), sorted);
    }

    [Fact]
    public void Counters_csv_is_sorted_long_form()
    {
        var csv = CountersCsvWriter.ToCsv(SampleReport());
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("scope,name,counter,value", lines[0]);
        Assert.Equal("flow,udp-1,send_failed.EHOSTUNREACH,4", lines[1]);
        Assert.Contains("host,r1,icmp_time_exceeded,0", lines);
        Assert.Contains("nic,h1.eth0,drop.queue_full,2", lines);
        Assert.Contains("nic,h1.eth0,tx_dropped,2", lines);
        Assert.Contains("nic,h1.eth0,queued,3", lines);
        Assert.Contains("flow,udp-1,send_failed.EHOSTUNREACH,4", lines);
        Assert.Contains("link,l1:h1.eth0>r1.eth0,dropped.loss,2", lines);
        Assert.Contains("link,l1:h1.eth0>r1.eth0,in_flight,1", lines);
        Assert.Contains("switch,sw1:h2.eth0>sw1,offered,5", lines);
        Assert.Equal(csv, CountersCsvWriter.ToCsv(SampleReport()));
        Assert.Equal(lines.Skip(1).Order(StringComparer.Ordinal), lines.Skip(1));
        Assert.DoesNotContain(lines, l => l.StartsWith("bridge,", StringComparison.Ordinal)); // no bridges, no rows
    }

    [Fact]
    public void Counters_csv_has_a_bridges_counters_as_bridge_rows()
    {
        var report = SampleReport() with
        {
            Bridges = [new BridgeReport("k", "nsim0", "sim", 8, 672, 7, 588, 1, new Dictionary<string, long> { ["not-ip"] = 1 })],
        };
        var lines = CountersCsvWriter.ToCsv(report).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
            ["bridge,k,drop.not-ip,1", "bridge,k,dropped,1", "bridge,k,from_kernel_bytes,672", "bridge,k,from_kernel_frames,8",
             "bridge,k,to_kernel_bytes,588", "bridge,k,to_kernel_frames,7"],
            lines.Where(l => l.StartsWith("bridge,", StringComparison.Ordinal)));
        Assert.Equal(lines.Skip(1).Order(StringComparer.Ordinal), lines.Skip(1));
    }
}
