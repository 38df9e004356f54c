using System.Globalization;
using System.Text;
using NetSim.Scenario.Partitioning;
using NetSim.Scenario.Running;
using Xunit;

namespace NetSim.Scenario.Tests;

/// <summary>
/// Random trees of routers (seeded, a bounded count) with lossy, jittery links, crossing ping, UDP and tcp flows,
/// captures and mid-run link changes: split over 2 and 3 partitions, each writes the bytes of the run in one process.
/// </summary>
public class PartitioningFuzzTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_random_tree_gives_identical_bytes_in_1_2_and_3_partitions(int seed)
    {
        var root = Path.Combine(Path.GetTempPath(), $"netsim-partition-fuzz-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var path = Path.Combine(root, "tree.conf");
            File.WriteAllText(path, RandomTree(new Random(seed)));
            var loaded = ScenarioLoader.Load(path);
            Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors) + "\n" + File.ReadAllText(path));
            var scenario = loaded.Scenario!;
            var one = ScenarioRunner.Run(scenario, new RunOptions(Path.Combine(root, "1")));
            Assert.True(one.Report.Flows.Sum(f => f.Received) > 0, "nothing arrived: the tree's routes are wrong");
            foreach (var n in new[] { 2, 3 })
            {
                var split = InProcessWindowExchange.Run(scenario, n, new RunOptions(Path.Combine(root, $"{n}")));
                Assert.NotEmpty(new PartitionEngine().Plan(scenario, n).Plan!.CutLinks);
                foreach (var name in new[] { "report.json", "counters.csv" }.Concat(scenario.Capture.Select(c => $"{c.Host}.{c.Nic}.pcap")))
                {
                    var a = File.ReadAllBytes(Path.Combine(root, "1", name));
                    var b = File.ReadAllBytes(Path.Combine(root, $"{n}", name));
                    Assert.True(a.AsSpan().SequenceEqual(b), $"seed {seed}, {n} partitions: {name} differs\n{File.ReadAllText(path)}");
                }
                ConservationTests.AssertConserved(split.Report);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// 4 to 7 forwarding hosts as a random tree, one TUN link (a /30) per edge with 1-5 ms delay, jitter, loss and
    /// sometimes a rate; /32 routes along the tree to every NIC address; two UDP flows, two pings and sometimes a tcp
    /// flow between random hosts; a link change (loss, jitter, delay or down/up) mid-run; three NICs captured.
    /// </summary>
    private static string RandomTree(Random random)
    {
        var n = random.Next(4, 8);
        var parent = new int[n];
        var edges = new List<(int A, int B)>();
        for (var i = 1; i < n; i++)
        {
            parent[i] = random.Next(i);
            edges.Add((parent[i], i));
        }
        // NIC k of host h: (link index, end); address 10.E.0.1 (end a) or .2 (end b).
        var nics = Enumerable.Range(0, n).Select(_ => new List<(string Nic, string Address, int Link)>()).ToArray();
        for (var e = 0; e < edges.Count; e++)
        {
            var (a, b) = edges[e];
            nics[a].Add(($"eth{nics[a].Count}", $"10.{e}.0.1", e));
            nics[b].Add(($"eth{nics[b].Count}", $"10.{e}.0.2", e));
        }
        // Next hop from h towards t: the neighbour on the tree path.
        var adjacent = Enumerable.Range(0, n).Select(h => edges.Select((x, e) => (x, e)).Where(p => p.x.A == h || p.x.B == h)
            .Select(p => (Peer: p.x.A == h ? p.x.B : p.x.A, Link: p.e)).ToList()).ToArray();
        int LinkTowards(int from, int to)
        {
            var previous = Enumerable.Repeat(-1, n).ToArray();
            var viaLink = new int[n];
            var queue = new Queue<int>([from]);
            previous[from] = from;
            while (queue.TryDequeue(out var h))
                foreach (var (peer, link) in adjacent[h])
                    if (previous[peer] < 0) { previous[peer] = h; viaLink[peer] = link; queue.Enqueue(peer); }
            var at = to;
            while (previous[at] != from) at = previous[at];
            return viaLink[at];
        }

        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.AppendLine($"seed = {random.Next(1, 1000)}");
        s.AppendLine("duration = 2500ms");
        s.AppendLine("report { interval = 0, plots = off }");
        s.AppendLine("hosts {");
        for (var h = 0; h < n; h++)
        {
            s.AppendLine($"  h{h} {{");
            s.AppendLine("    forwarding = on");
            s.AppendLine($"    nics {{ {string.Join(", ", nics[h].Select(x => $"{x.Nic} {{ type = tun, addresses = [\"{x.Address}/30\"] }}"))} }}");
            var routes = new List<string>();
            for (var t = 0; t < n; t++)
            {
                if (t == h) continue;
                var dev = nics[h].Single(x => x.Link == LinkTowards(h, t)).Nic;
                routes.AddRange(nics[t].Select(x => $"{{ to = \"{x.Address}/32\", dev = {dev} }}"));
            }
            s.AppendLine($"    routes = [ {string.Join(", ", routes)} ]");
            s.AppendLine("  }");
        }
        s.AppendLine("}");
        s.AppendLine("links {");
        for (var e = 0; e < edges.Count; e++)
        {
            var (a, b) = edges[e];
            var nicA = nics[a].Single(x => x.Link == e).Nic;
            var nicB = nics[b].Single(x => x.Link == e).Nic;
            var rate = random.Next(3) == 0 ? $", rate = {random.Next(2, 20)}Mbps, queue = {random.Next(5, 60)}" : "";
            s.AppendLine($"  l{e} {{ a = \"h{a}.{nicA}\", b = \"h{b}.{nicB}\", delay = {random.Next(1, 6)}ms, jitter = {F(random.NextDouble() * 2)}ms, loss = {F(random.NextDouble() * 0.1)}{rate} }}");
        }
        s.AppendLine("}");
        (int From, int To) Pair()
        {
            var from = random.Next(n);
            var to = (from + 1 + random.Next(n - 1)) % n;
            return (from, to);
        }
        string AddressOf(int h) => nics[h][0].Address;
        s.AppendLine("script = [");
        for (var f = 0; f < 2; f++)
        {
            var (from, to) = Pair();
            s.AppendLine($"  {{ at = {random.Next(100, 600)}ms, udp {{ name = \"u{f}\", from = h{from}, to = \"{AddressOf(to)}\", port = {7000 + f}, rate = {random.Next(50, 400)}, size = {random.Next(20, 1200)}, count = {random.Next(50, 300)} }} }}");
        }
        for (var f = 0; f < 2; f++)
        {
            var (from, to) = Pair();
            s.AppendLine($"  {{ at = {random.Next(100, 600)}ms, ping {{ name = \"p{f}\", from = h{from}, to = \"{AddressOf(to)}\", count = {random.Next(5, 30)}, interval = {random.Next(10, 80)}ms }} }}");
        }
        if (random.Next(2) == 0)
        {
            var (from, to) = Pair();
            s.AppendLine($"  {{ at = {random.Next(100, 600)}ms, tcp {{ name = \"t0\", from = h{from}, to = \"{AddressOf(to)}\", port = 8000, bytes = {random.Next(20, 200)}KB }} }}");
        }
        var changed = random.Next(edges.Count);
        s.AppendLine(random.Next(4) switch
        {
            0 => $"  {{ at = 1200ms, link-set {{ link = l{changed}, loss = 0.3 }} }}",
            1 => $"  {{ at = 1200ms, link-set {{ link = l{changed}, jitter = 4ms, delay = {random.Next(1, 4)}ms }} }}",
            2 => $"  {{ at = 1200ms, link-down = l{changed} }}\n  {{ at = 1500ms, link-up = l{changed} }}",
            _ => $"  {{ at = 1200ms, link-set {{ link = l{changed}, delay = 7ms }} }}",
        });
        s.AppendLine("]");
        var captured = Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(3).Select(h => $"\"h{h}.{nics[h][0].Nic}\"");
        s.AppendLine($"capture = [{string.Join(", ", captured)}]");
        return s.ToString();
    }
}
