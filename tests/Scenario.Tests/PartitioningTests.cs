using NetSim.Scenario.Partitioning;
using NetSim.Scenario.Reports;
using NetSim.Scenario.Running;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>
/// A scenario split over 2 or 3 partitions (threads of this process, each with its own virtual-time actor system,
/// meeting at the end of every time window) writes byte for byte the report.json, counters.csv and pcaps of a run in
/// one process; the plan's errors name file, line and key.
/// </summary>
public class PartitioningTests
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "samples");

    /// <summary>samples/router-mesh.conf: three hosts around a router, every link lossy and jittery, a mid-run link change.</summary>
    internal static readonly string Mesh = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "router-mesh.conf"));

    /// <summary>A chain h1 - r1 - h2, one host per node, so that a ping and a UDP flow cross two partition boundaries.</summary>
    private const string Chain = """
        seed = 5
        duration = 3s
        hosts {
          h1 {
            node = 1
            nics { eth0 { type = tun, addresses = ["10.0.1.1/24"] } }
            routes = [ { to = "0.0.0.0/0", dev = eth0 } ]
          }
          r1 {
            node = 2
            forwarding = on
            nics {
              eth0 { type = tun, addresses = ["10.0.1.254/24"] }
              eth1 { type = tun, addresses = ["10.0.2.1/24"] }
            }
          }
          h2 {
            node = 3
            nics {
              eth0 { type = tun, addresses = ["10.0.2.2/24"] }
            }
            routes = [ { to = "0.0.0.0/0", dev = eth0 } ]
          }
        }
        links {
          l1 { a = "h1.eth0", b = "r1.eth0", delay = 4ms }
          l2 { a = "r1.eth1", b = "h2.eth0", delay = 7ms }
        }
        script = [
          { at = 1s, ping { name = "p", from = h1, to = "10.0.2.2", count = 5, interval = 100ms } }
          { at = 1s, udp { name = "u", from = h1, to = "10.0.2.2", port = 9000, rate = 100, size = 200, count = 50 } }
        ]
        capture = ["h1.eth0", "h2.eth0"]
        """;

    /// <summary>Every virtual-time sample (all but the kernel bridge).</summary>
    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Samples, "*.conf").Order(StringComparer.Ordinal))
            if (ScenarioLoader.Load(f).Scenario is { Bridges.Length: 0, TimeMode: NetSim.Actors.Time.TimeMode.Virtual })
                data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void The_mesh_gives_identical_bytes_with_1_2_and_3_partitions()
    {
        using var dir = new TempDir();
        var scenario = Load(dir.Write("mesh.conf", Mesh));
        var one = Run(scenario, 1, dir["1"]);
        Assert.Contains(one.Report.Flows, f => f.Lost > 0); // lossy: identical because the same random draws, not because none
        foreach (var n in new[] { 2, 3 })
        {
            var plan = Plan(scenario, n);
            Assert.NotEmpty(plan.CutLinks);
            var split = Run(scenario, n, dir[$"{n}"]);
            AssertSameFiles(dir["1"], dir[$"{n}"]);
            Assert.True(File.Exists(Path.Combine(dir[$"{n}"], "timeseries.csv")) && File.Exists(Path.Combine(dir[$"{n}"], "rtt.csv")));
            ConservationTests.AssertConserved(split.Report);
        }
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_sample_gives_identical_bytes_with_1_2_and_3_partitions(string file)
    {
        using var dir = new TempDir();
        var scenario = Load(Path.Combine(Samples, file));
        Run(scenario, 1, dir["1"]);
        foreach (var n in new[] { 2, 3 })
        {
            Run(scenario, n, dir[$"{n}"]);
            AssertSameFiles(dir["1"], dir[$"{n}"]);
        }
    }

    [Fact]
    public void The_lossy_link_is_cut_and_still_identical()
    {
        using var dir = new TempDir();
        var scenario = Load(Path.Combine(Samples, "lossy-link-udp.conf"));
        var plan = Plan(scenario, 2);
        Assert.Equal(["wan"], plan.CutLinks);
        Assert.Equal(TimeSpan.FromMilliseconds(20), plan.Lookahead);
        Run(scenario, 1, dir["1"]);
        var split = Run(scenario, 2, dir["2"]);
        AssertSameFiles(dir["1"], dir["2"]);
        Assert.True(split.Report.Flows.Single(f => f.Name == "stream").Lost > 0);
    }

    [Fact]
    public void Ping_and_udp_across_two_boundaries_take_the_time_the_links_imply()
    {
        using var dir = new TempDir();
        var scenario = Load(dir.Write("chain.conf", Chain));
        var plan = Plan(scenario, 3);
        Assert.Equal(0, plan.HostPartition["h1"]);
        Assert.Equal(1, plan.HostPartition["r1"]);
        Assert.Equal(2, plan.HostPartition["h2"]);
        Assert.Equal(["l1", "l2"], plan.CutLinks);
        Assert.Equal(TimeSpan.FromMilliseconds(4), plan.Lookahead);

        var r = Run(scenario, 3, dir["3"]).Report;
        var ping = r.Flows.Single(f => f.Name == "p");
        Assert.Equal(5, ping.Received);
        // There and back over 4 ms + 7 ms links, no jitter, no rate limit: every echo takes 22 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(22), ping.Rtt!.Min);
        Assert.Equal(TimeSpan.FromMilliseconds(22), ping.Rtt.Max);
        var udp = r.Flows.Single(f => f.Name == "u");
        Assert.Equal(50, udp.Sent);
        Assert.Equal(50, udp.Received);
        Assert.Equal(50, r.Links!.Single(l => l.Name == "l2").Wires[0].Delivered - ping.Sent); // echoes and datagrams crossed r1 to h2
        ConservationTests.AssertConserved(r);
        Run(scenario, 1, dir["1"]);
        AssertSameFiles(dir["1"], dir["3"]);
    }

    /// <summary>
    /// Router r forwards two UDP streams to h4: one from h1 over a cut link, one from h3 over a local link; their frames
    /// reach r at the same instants (every 3 ms, no jitter) and leave by r.eth2 in the order r took them, which its
    /// capture shows. The crossing frame's arrival timer is armed when h1 sends it in one process, but only at the end
    /// of the window in a partition (after h3's frame armed its own): only an order that does not depend on when a timer
    /// was armed (the receiver's key) keeps the capture identical.
    /// </summary>
    [Fact]
    public void Timer_ties_between_a_crossing_frame_and_a_local_one_keep_the_one_process_order()
    {
        const string ties = """
            seed = 3
            duration = 1100ms
            hosts {
              h1 {
                node = 1
                nics { eth0 { type = tun, addresses = ["10.9.1.1/24"] } }
                routes = [ { to = "0.0.0.0/0", dev = eth0 } ]
              }
              r {
                node = 2
                forwarding = on
                nics {
                  eth0 { type = tun, addresses = ["10.9.1.254/24"] }
                  eth1 { type = tun, addresses = ["10.9.3.254/24"] }
                  eth2 { type = tun, addresses = ["10.9.4.254/24"] }
                }
              }
              h3 {
                node = 2
                nics { eth0 { type = tun, addresses = ["10.9.3.1/24"] } }
                routes = [ { to = "0.0.0.0/0", dev = eth0 } ]
              }
              h4 {
                node = 2
                nics { eth0 { type = tun, addresses = ["10.9.4.1/24"] } }
                routes = [ { to = "0.0.0.0/0", dev = eth0 } ]
              }
            }
            links {
              l1 { a = "h1.eth0", b = "r.eth0", delay = 5ms }
              l3 { a = "h3.eth0", b = "r.eth1", delay = 2ms }
              l4 { a = "r.eth2", b = "h4.eth0", delay = 1ms }
            }
            script = [
              { at = 1002ms, udp { name = "from-h1", from = h1, to = "10.9.4.1", port = 7001, rate = 333.3333333, size = 100, count = 30 } }
              { at = 1005ms, udp { name = "from-h3", from = h3, to = "10.9.4.1", port = 7003, rate = 333.3333333, size = 200, count = 30 } }
            ]
            capture = ["r.eth2"]
            """;
        using var dir = new TempDir();
        var scenario = Load(dir.Write("ties.conf", ties));
        var plan = Plan(scenario, 2);
        Assert.Equal(["l1"], plan.CutLinks);
        Assert.Equal(TimeSpan.FromMilliseconds(5), plan.Lookahead);
        Run(scenario, 1, dir["1"]);
        Run(scenario, 2, dir["2"]);
        AssertSameFiles(dir["1"], dir["2"]);
    }

    [Fact]
    public void Automatic_plan_balances_hosts_and_cuts_few_links()
    {
        var scenario = Load(WriteTemp(Mesh));
        var plan = Plan(scenario, 2);
        Assert.Equal(2, plan.HostPartition.Values.Count(p => p == 0));
        Assert.Equal(2, plan.HostPartition.Values.Count(p => p == 1));
        Assert.Equal(plan.HostPartition["h1"], plan.HostPartition["r1"]); // neighbours first: h1 then its router
        Assert.Equal(2, plan.CutLinks.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(1), plan.Lookahead);
        Assert.Equal(plan, Plan(scenario, 2) with { }, PlanComparer.Instance); // deterministic
    }

    [Fact]
    public void A_switch_and_its_hosts_stay_together()
    {
        var scenario = Load(Path.Combine(Samples, "switched-lan.conf"));
        var plan = Plan(scenario, 3);
        Assert.Single(plan.HostPartition.Values.Distinct());
        Assert.Empty(plan.CutLinks);
        Assert.Equal(TimeSpan.MaxValue, plan.Lookahead);
    }

    [Fact]
    public void Explicit_placement_is_respected()
    {
        var text = Mesh.Replace("h3 {\n", "h3 {\n    node = 1\n").Replace("h1 {\n", "h1 {\n    node = 2\n");
        var scenario = Load(WriteTemp(text));
        var plan = Plan(scenario, 2);
        Assert.Equal(1, plan.HostPartition["h1"]);
        Assert.Equal(0, plan.HostPartition["h3"]);
    }

    [Fact]
    public void A_node_beyond_the_run_is_an_error_at_its_line()
    {
        var text = Mesh.Replace("h2 {\n", "h2 {\n    node = 3\n");
        var path = WriteTemp(text);
        var errors = new PartitionEngine().Plan(Load(path), 2).Errors;
        var e = Assert.Single(errors);
        Assert.Equal("hosts.h2.node", e.Key);
        Assert.Equal(LineOf(text, "node = 3"), e.Line);
        Assert.Equal(path, e.File);
        Assert.Contains("node 3", e.Message);
    }

    [Fact]
    public void A_zero_delay_link_between_placed_hosts_is_an_error_at_the_link()
    {
        var text = Chain.Replace("delay = 7ms", "delay = 0ms");
        var errors = new PartitionEngine().Plan(Load(WriteTemp(text)), 3).Errors;
        var e = Assert.Single(errors);
        Assert.Equal("links.l2", e.Key);
        Assert.Equal(LineOf(text, "l2 {"), e.Line);
        Assert.Equal("link l2 has zero delay but joins hosts on nodes 2 and 3; its hosts must be on one node (give the link a delay, or place them together)", e.Message);
    }

    [Fact]
    public void A_link_set_to_zero_delay_glues_its_hosts_and_the_lookahead_counts_every_link_set()
    {
        var text = Mesh.Replace("{ at = 3s, link-set { link = l2, loss = 0.2, jitter = 6ms } }",
            "{ at = 3s, link-set { link = l2, delay = 0ms } }\n  { at = 4s, link-set { link = l3, delay = 300us } }");
        var plan = Plan(Load(WriteTemp(text)), 2);
        Assert.Equal(plan.HostPartition["r1"], plan.HostPartition["h2"]);
        if (plan.CutLinks.Contains("l3")) Assert.Equal(TimeSpan.FromMicroseconds(300), plan.Lookahead);
    }

    [Fact]
    public void Bridges_are_refused_across_partitions_and_time_series_are_not()
    {
        var bridged = Load(Path.Combine(Samples, "kernel-bridge.conf"));
        var errors = new PartitionEngine().Plan(bridged, 2).Errors;
        Assert.Contains(errors, e => e.Key.StartsWith("bridges.", StringComparison.Ordinal) && e.Line > 0);

        var text = Mesh.Replace("duration = 12s", "duration = 12s\nreport { interval = 1s }");
        Assert.NotNull(new PartitionEngine().Plan(Load(WriteTemp(text)), 2).Plan);
    }

    /// <summary>
    /// Real time runs across partitions too (frames cross at window ends on the wall clock; no byte guarantee). Real
    /// time counts from each partition's start, set-up included, so the run is long enough for a loaded machine.
    /// </summary>
    [Fact]
    public void A_real_time_run_crosses_partitions()
    {
        const string real = """
            seed = 2
            duration = 6s
            time-mode = real
            report { interval = 0, plots = off }
            hosts {
              h1 { nics { eth0 { type = tun, addresses = ["10.7.0.1/24"] } } }
              h2 { nics { eth0 { type = tun, addresses = ["10.7.0.2/24"] } } }
            }
            links { l1 { a = "h1.eth0", b = "h2.eth0", delay = 5ms } }
            script = [ { at = 300ms, ping { name = "p", from = h1, to = "10.7.0.2", count = 3, interval = 100ms } } ]
            """;
        using var dir = new TempDir();
        var scenario = Load(dir.Write("real.conf", real));
        var result = InProcessWindowExchange.Run(scenario, 2, new RunOptions(dir["out"]));
        var ping = result.Report.Flows.Single();
        var what = $"sent {ping.Sent}, received {ping.Received}; {string.Join("; ", result.Partitions)}";
        // Real time on a loaded machine may fall behind the wall clock: how many echoes fit is not the point; that
        // echoes cross both ways, never earlier than the links allow, and that every frame is accounted for is.
        Assert.InRange(ping.Sent, 1, 3);
        Assert.True(ping.Received >= 1 && ping.Received <= ping.Sent, what);
        Assert.True(ping.Rtt!.Min >= TimeSpan.FromMilliseconds(10), $"rtt min {ping.Rtt.Min}"); // never earlier than the links allow
        Assert.All(result.Partitions, p => Assert.True(p.FramesSent >= 1, what));
        ConservationTests.AssertConserved(result.Report);
    }

    [Fact]
    public void A_cancelled_partitioned_run_stops_and_says_how_far_it_got()
    {
        using var dir = new TempDir();
        var scenario = Load(dir.Write("mesh.conf", Mesh));
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Simulated >= TimeSpan.FromSeconds(2)) cancel.Cancel(); });
        var r = InProcessWindowExchange.Run(scenario, 3, new RunOptions(dir["c"], progress, cancel.Token)).Report;
        Assert.True(r.Interrupted);
        Assert.InRange(r.Reached, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_lost_partition_ends_every_partition_and_the_merge_marks_the_report_partial()
    {
        using var dir = new TempDir();
        var scenario = Load(dir.Write("chain.conf", Chain));
        var engine = new PartitionEngine();
        var plan = Plan(scenario, 3);
        var lostAt = TimeSpan.FromMilliseconds(1200);
        var exchange = new LosingExchange(new InProcessWindowExchange(scenario, plan), lostAt);
        var parts = new byte[]?[3];
        var threads = Enumerable.Range(0, 3).Select(i => new Thread(() => parts[i] = engine.RunPartition(scenario, plan, i, exchange, new RunOptions(null)))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var result = engine.Merge(scenario, plan, [parts[0], parts[1], null], new RunOptions(dir["out"]), "worker 3 (partition 2) was lost");
        var r = result.Report;
        Assert.True(r.Interrupted);
        Assert.False(r.Passed);
        Assert.Equal(lostAt + plan.Lookahead, r.Reached); // the window whose exchange failed had run
        Assert.Equal("worker 3 (partition 2) was lost", r.Failure);
        Assert.DoesNotContain(r.Nics, n => n.Host == "h2"); // its part never came
        Assert.Contains(r.Nics, n => n.Host == "h1");
        var json = File.ReadAllText(dir["out/report.json"]);
        Assert.Contains("\"failure\": \"worker 3 (partition 2) was lost\"", json);
        Assert.Contains("\"interrupted\": true", json);
        Assert.True(File.Exists(dir["out/h1.eth0.pcap"]));
        Assert.False(File.Exists(dir["out/h2.eth0.pcap"]));
    }

    /// <summary>Passes windows through until <c>lostAt</c>, then reports partition 2 lost to everyone (as a transport would).</summary>
    private sealed class LosingExchange(IWindowExchange inner, TimeSpan lostAt) : IWindowExchange
    {
        public IReadOnlyList<CrossFrame> Exchange(int partition, TimeSpan windowEnd, IReadOnlyList<CrossFrame> outgoing, CancellationToken cancellation) =>
            windowEnd > lostAt ? throw new PartitionLostException(2, "worker 3") : inner.Exchange(partition, windowEnd, outgoing, cancellation);
    }

    private sealed class SynchronousProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }

    private static RunResult Run(Scenario scenario, int partitions, string output) =>
        partitions == 1
            ? ScenarioRunner.Run(scenario, new RunOptions(output))
            : InProcessWindowExchange.Run(scenario, partitions, new RunOptions(output));

    private static PartitionPlan Plan(Scenario scenario, int partitions)
    {
        var result = new PartitionEngine().Plan(scenario, partitions);
        Assert.True(result.Plan is not null, string.Join("\n", result.Errors));
        return result.Plan!;
    }

    private static Scenario Load(string path)
    {
        var loaded = ScenarioLoader.Load(path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return loaded.Scenario!;
    }

    private static int LineOf(string text, string fragment) =>
        text.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(fragment, StringComparison.Ordinal)).i + 1;

    private static string WriteTemp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"netsim-partitioning-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        static List<string> Results(string dir) => Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
        var names = Results(expected);
        Assert.Equal(names, Results(actual));
        Assert.Contains("report.json", names);
        foreach (var name in names)
        {
            var a = File.ReadAllBytes(Path.Combine(expected, name!));
            var b = File.ReadAllBytes(Path.Combine(actual, name!));
            if (a.AsSpan().SequenceEqual(b)) continue;
            var at = 0;
            while (at < a.Length && at < b.Length && a[at] == b[at]) at++;
            var context = name!.EndsWith(".pcap", StringComparison.Ordinal) ? "" :
                $"\n1 process: {Excerpt(a, at)}\npartitioned: {Excerpt(b, at)}";
            Assert.Fail($"{name} differs at byte {at} ({a.Length} vs {b.Length} bytes){context}");
        }
    }

    private static string Excerpt(byte[] bytes, int at) =>
        System.Text.Encoding.UTF8.GetString(bytes, Math.Max(0, at - 120), Math.Min(bytes.Length, at + 80) - Math.Max(0, at - 120));

    private sealed class PlanComparer : IEqualityComparer<PartitionPlan>
    {
        public static readonly PlanComparer Instance = new();
        public bool Equals(PartitionPlan? x, PartitionPlan? y) =>
            x!.Count == y!.Count && x.Lookahead == y.Lookahead && x.CutLinks.SequenceEqual(y.CutLinks)
            && x.HostPartition.OrderBy(p => p.Key).SequenceEqual(y.HostPartition.OrderBy(p => p.Key))
            && x.SwitchPartition.OrderBy(p => p.Key).SequenceEqual(y.SwitchPartition.OrderBy(p => p.Key));
        public int GetHashCode(PartitionPlan obj) => obj.Count;
    }

    private sealed class TempDir : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), $"netsim-partitioning-{Guid.NewGuid():N}");
        public TempDir() => Directory.CreateDirectory(_root);
        public string this[string name] => Path.Combine(_root, name);
        public string Write(string name, string text)
        {
            var path = this[name];
            File.WriteAllText(path, text);
            return path;
        }
        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
