using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using NetSim.Actors.Time;
using NetSim.Scenario;
using ScenarioModel = NetSim.Scenario.Scenario;

namespace NetSim.Benchmarks.Scale;

/// <summary>
/// The whole-scenario benchmark topologies, as a NetSim scenario (<see cref="ToScenario"/>, built through the library
/// API) or its scenario file (<see cref="ToHocon"/>, the same scenario written out); bench/ns3/scale.cc builds star and
/// chain in ns-3. Every link is a TUN point-to-point link (ns-3: PointToPoint, no ARP), 1 Gbps, 1 ms delay; link i is
/// the /30 10.0.0.0 + 4i with .1 on its first end and .2 on its second.
/// <list type="bullet">
/// <item>star N: a hub with N NICs, one link to each of N leaves; every leaf pings the hub's address on its link.
/// The hub holds N addresses and N connected routes: what per-frame look-ups on a big host cost.</item>
/// <item>chain N: N forwarding hosts in a line; node i pings node i+2 through node i+1 (i = 0 .. N-3), with two
/// static routes per node: forwarding across many hops of actors.</item>
/// <item>star-of-stars N: N leaves in stars of <see cref="LeavesPerStar"/> around forwarding hubs s0, s1, ...; each
/// hub's uplink goes to one core host. Leaf i is on link i (as in star) and pings the core's address on its hub's
/// uplink: two hops each way. A hub's leaf links are one aligned /20, the core's route to that hub; uplink j is link
/// <see cref="UplinkBase"/> + j (10.128.0.0 + 4j). A hub's leaves start their pings one after another over an
/// interval, not all at 1 s, so 1,024 echoes do not meet in the uplink's queue. N + N/1,024 + 1 hosts: the shape for a million hosts (NetSim
/// only: no ns-3 peer).</item>
/// </list>
/// Traffic scales so every N moves about the same number of frames: <see cref="TotalPings"/> echoes in all, each
/// flow <c>count</c> pings spread evenly over 8 simulated seconds from 1 s (at least one ping a flow: a million leaves
/// send a million); the run lasts 10 s.
/// </summary>
public sealed record ScaleScenario(string Topology, int N)
{
    /// <summary>Echo requests summed over every flow (each is two frames in star, four in chain and star-of-stars).</summary>
    public const int TotalPings = 50_000;

    public const int DurationSeconds = 10;

    /// <summary>star-of-stars: leaves around each hub (so a hub's leaf links are one aligned /20).</summary>
    public const int LeavesPerStar = 1024;

    /// <summary>star-of-stars: uplink j is link UplinkBase + j, above every leaf link (10.128.0.0 and up).</summary>
    public const int UplinkBase = 1 << 21;

    /// <summary>The topologies <see cref="Create"/> knows.</summary>
    public static readonly IReadOnlyList<string> Topologies = ["star", "chain", "star-of-stars"];

    public int Flows => Topology == "chain" ? N - 2 : N;

    public int Count => Math.Max(1, (TotalPings + Flows - 1) / Flows);

    /// <summary>Microseconds between a flow's pings: <see cref="Count"/> of them in 8 s.</summary>
    public long IntervalMicroseconds => Count == 1 ? 1_000_000 : 8_000_000L / Count;

    /// <summary>Frames delivered off links when every ping is answered.</summary>
    public long ExpectedFrames => (long)Flows * Count * (Topology == "star" ? 2 : 4);

    /// <summary>star-of-stars: the hubs.</summary>
    public int Stars => (N + LeavesPerStar - 1) / LeavesPerStar;

    /// <summary>Hosts of the scenario (star-of-stars: leaves, hubs and the core).</summary>
    public int Hosts => Topology switch { "star" => N + 1, "chain" => N, _ => N + Stars + 1 };

    public static ScaleScenario Create(string topology, int n)
    {
        if (!Topologies.Contains(topology)) throw new ArgumentException($"'{topology}' is not a topology ({string.Join(", ", Topologies)})");
        if (n < 3) throw new ArgumentException("a scale scenario needs at least 3 hosts");
        if (topology == "star-of-stars" && n > UplinkBase) throw new ArgumentException($"star-of-stars has at most {UplinkBase:N0} leaves (the 10.0.0.0/9 below its uplinks)");
        if (topology != "star-of-stars" && n > UplinkBase * 2) throw new ArgumentException($"{topology} has at most {UplinkBase * 2:N0} hosts (links in 10.0.0.0/8)");
        return new ScaleScenario(topology, n);
    }

    /// <summary>The address of end <paramref name="end"/> (1 or 2) of link <paramref name="link"/>.</summary>
    public static string Address(int link, int end) => AddressOf(link, end).ToString();

    private static IPAddress AddressOf(int link, int end)
    {
        var a = (10u << 24) + 4u * (uint)link + (uint)end;
        return new IPAddress([(byte)(a >> 24), (byte)(a >> 16), (byte)(a >> 8), (byte)a]);
    }

    /// <summary>The arguments bench/ns3/scale.cc takes for the same scenario.</summary>
    public string[] Ns3Arguments() => Topology == "star-of-stars"
        ? throw new InvalidOperationException("star-of-stars has no ns-3 peer (bench/ns3/scale.cc builds star and chain)")
        :
        [
            $"--topology={Topology}", $"--n={N}", $"--count={Count}",
            $"--intervalUs={IntervalMicroseconds}", $"--durationS={DurationSeconds}",
        ];

    /// <summary>
    /// The scenario, built in memory through the library API (what <see cref="ScenarioLoader"/> makes of
    /// <see cref="ToHocon"/>, without writing or parsing the text: a million hosts would be a 400 MB file). Equal
    /// values share one object (addresses of routes, link properties, names), so the model costs little per host.
    /// </summary>
    public ScenarioModel ToScenario()
    {
        var hosts = ImmutableArray.CreateBuilder<HostSpec>(Hosts);
        var links = ImmutableArray.CreateBuilder<LinkSpec>(Topology == "chain" ? N - 1 : Topology == "star" ? N : N + Stars);
        var script = ImmutableArray.CreateBuilder<ScriptStep>(Flows);
        var properties = new LinkProperties(TimeSpan.FromMilliseconds(1), TimeSpan.Zero, 0, 1_000_000_000, 1000);
        var at = TimeSpan.FromSeconds(1);
        var interval = TimeSpan.FromTicks(IntervalMicroseconds * 10);
        var defaultRoute = ImmutableArray.Create(new RouteSpec(new IpPrefix(IPAddress.Any, 0), null, "eth0", 0));
        static NicSpec Nic(string name, IPAddress address) =>
            new(name, NicKind.Tun, [new InterfaceAddress(address, 30)], 1500, null, 1024);
        static RouteSpec Route(int link, int prefix, string dev) => new(new IpPrefix(AddressOf(link, 0), prefix), null, dev, 0);
        PingStep Ping(int flow, string from, IPAddress to, TimeSpan offset) => new(at + offset, "p" + Name(flow), from, to, Count, interval, 56, 64);
        string Leaf(int i, string hub, string hubNic)
        {
            var name = "l" + Name(i);
            hosts.Add(new HostSpec(name, false, [Nic("eth0", AddressOf(i, 2))], defaultRoute));
            links.Add(new LinkSpec("k" + Name(i), new NicRef(hub, hubNic), new NicRef(name, "eth0"), properties, true));
            return name;
        }

        switch (Topology)
        {
            case "star":
                hosts.Add(new HostSpec("hub", false, [.. Enumerable.Range(0, N).Select(i => Nic("e" + Name(i), AddressOf(i, 1)))], []));
                for (var i = 0; i < N; i++)
                {
                    script.Add(Ping(i, Leaf(i, "hub", "e" + Name(i)), AddressOf(i, 1), TimeSpan.Zero));
                }
                break;
            case "chain":
                var last = N - 2; // links 0 .. N-2
                for (var j = 0; j < N; j++)
                {
                    var nics = ImmutableArray.CreateBuilder<NicSpec>(2);
                    if (j > 0) nics.Add(Nic("left", AddressOf(j - 1, 2)));
                    if (j <= last) nics.Add(Nic("right", AddressOf(j, 1)));
                    var routes = ImmutableArray.CreateBuilder<RouteSpec>(2);
                    if (j + 1 <= last) routes.Add(Route(j + 1, 30, "right"));
                    if (j >= 2) routes.Add(Route(j - 2, 30, "left"));
                    hosts.Add(new HostSpec("n" + Name(j), true, nics.DrainToImmutable(), routes.DrainToImmutable()));
                    if (j <= last) links.Add(new LinkSpec("k" + Name(j), new NicRef("n" + Name(j), "right"), new NicRef("n" + Name(j + 1), "left"), properties, true));
                    if (j + 2 < N) script.Add(Ping(j, "n" + Name(j), AddressOf(j + 1, 2), TimeSpan.Zero));
                }
                break;
            default: // star-of-stars
                var prefix = 32 - (int)Math.Log2(4 * LeavesPerStar);
                hosts.Add(new HostSpec("core", false,
                    [.. Enumerable.Range(0, Stars).Select(s => Nic("u" + Name(s), AddressOf(UplinkBase + s, 1)))],
                    [.. Enumerable.Range(0, Stars).Select(s => Route(s * LeavesPerStar, prefix, "u" + Name(s)))]));
                var hubNics = Enumerable.Range(0, LeavesPerStar).Select(k => "e" + Name(k)).ToArray(); // one string per name, not per hub
                var uplinkRoute = ImmutableArray.Create(new RouteSpec(new IpPrefix(IPAddress.Any, 0), null, "up", 0));
                for (var s = 0; s < Stars; s++)
                {
                    var first = s * LeavesPerStar;
                    var leaves = Math.Min(LeavesPerStar, N - first);
                    var hub = "s" + Name(s);
                    hosts.Add(new HostSpec(hub, true,
                        [Nic("up", AddressOf(UplinkBase + s, 2)), .. Enumerable.Range(first, leaves).Select(i => Nic(hubNics[i - first], AddressOf(i, 1)))],
                        uplinkRoute));
                    links.Add(new LinkSpec("u" + Name(s), new NicRef("core", "u" + Name(s)), new NicRef(hub, "up"), properties, true));
                    var core = AddressOf(UplinkBase + s, 1);
                    // A star's leaves start one after another over an interval: at once, 1,024 echoes would overflow
                    // the uplink's queue of 1,000 (and every later round would repeat it).
                    for (var i = first; i < first + leaves; i++)
                    {
                        script.Add(Ping(i, Leaf(i, hub, hubNics[i - first]), core, TimeSpan.FromMicroseconds((i - first) * IntervalMicroseconds / LeavesPerStar)));
                    }
                }
                break;
        }
        return new ScenarioModel($"{Topology}-{N}.conf", 1, TimeSpan.FromSeconds(DurationSeconds), TimeMode.Virtual,
            hosts.MoveToImmutable(), links.DrainToImmutable(), [], [.. script.OrderBy(p => p.At)], []) // as the loader: by time, stable
        {
            // A million hosts' time series (a line per NIC and link every 100 ms) is not a figure anyone reads.
            Report = Topology == "star-of-stars" ? new ReportSettings(TimeSpan.Zero, false) : ReportSettings.Default,
        };
    }

    /// <summary>The scenario file's text: <see cref="ToScenario"/> written out.</summary>
    public string ToHocon()
    {
        var ic = CultureInfo.InvariantCulture;
        var scenario = ToScenario();
        var s = new StringBuilder(N * 400);
        s.Append(ic, $"# {Topology} {N}: generated by bench/NetSim.Benchmarks/Scale/ScaleScenario.cs\n");
        s.Append(ic, $"seed = {scenario.Seed}\nduration = {DurationSeconds}s\n");
        if (scenario.Report != ReportSettings.Default)
            s.Append(ic, $"report {{ interval = {scenario.Report.Interval.TotalMilliseconds}ms, plots = {(scenario.Report.Plots ? "on" : "off")} }}\n");
        s.Append("hosts {\n");
        foreach (var h in scenario.Hosts)
        {
            s.Append(ic, $"  {h.Name} {{ ");
            if (h.Forwarding) s.Append("forwarding = on, ");
            var many = h.Nics.Length > 2; // a hub: a NIC a line
            s.Append(many ? "nics {\n    " : "nics { ");
            s.AppendJoin(many ? "\n    " : ", ", h.Nics.Select(n => string.Create(ic, $"{n.Name} {{ type = tun, addresses = [{string.Join(", ", n.Addresses.Select(a => $"\"{a}\""))}] }}")));
            s.Append(many ? "\n  }" : " }");
            if (h.Routes.Length > 0)
            {
                s.Append(", routes = [ ");
                s.AppendJoin(", ", h.Routes.Select(r => $"{{ to = \"{r.To}\", dev = {r.Device} }}"));
                s.Append(" ]");
            }
            s.Append(" }\n");
        }
        s.Append("}\nlinks {\n");
        foreach (var l in scenario.Links)
            s.Append(ic, $"  {l.Name} {{ a = \"{l.A}\", b = \"{l.B}\", delay = {l.Properties.Delay.TotalMilliseconds}ms, rate = {l.Properties.RateBitsPerSecond / 1_000_000_000}Gbps }}\n");
        s.Append("}\nscript = [\n");
        foreach (var p in scenario.Script.Cast<PingStep>())
            s.Append(ic, $"  {{ at = {(p.At.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{p.At.Ticks / TimeSpan.TicksPerSecond}s" : $"{p.At.Ticks / 10}us")}, ping {{ name = {p.Name}, from = {p.From}, to = \"{p.To}\", count = {p.Count}, interval = {p.Interval.Ticks / 10}us }} }}\n");
        s.Append("]\n");
        return s.ToString();
    }

    /// <summary>Host, NIC, link and flow numbers as names (invariant culture).</summary>
    private static string Name(int i) => i.ToString(CultureInfo.InvariantCulture);
}
