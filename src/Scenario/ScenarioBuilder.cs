using NetSim.Protocol.Counters;
using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using NetSim.Actors.Time;
using NetSim.Protocol.Wire;

namespace NetSim.Scenario;

/// <summary>Turns a parsed HOCON tree into the scenario model, reporting every problem through the context.</summary>
internal sealed partial class ScenarioBuilder(ScenarioLoader.LoadContext context, Config config, string fileName)
{
    private static readonly string[] StepActions = ["ping", "udp", "tcp", "tcp-echo", "link-down", "link-up", "link-set", "close-devices", "expect"];

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex NamePattern();

    private readonly Config _defaults = ScenarioLoader.DefaultsConfig;

    private readonly Dictionary<string, Config> _defaultBlocks = new(StringComparer.Ordinal);

    /// <summary>The defaults block for a kind of object, looked up once (it is asked for per host, NIC, route, link and step).</summary>
    private Config D(string block)
    {
        if (!_defaultBlocks.TryGetValue(block, out var config)) _defaultBlocks[block] = config = _defaults.GetConfig(block);
        return config;
    }

    /// <summary>Hosts and NICs by name, built once after the hosts: links, switches and steps look names up in them
    /// (a scan per reference would make a 10,000-host file quadratic).</summary>
    private Dictionary<string, HostSpec> _hostsByName = [];
    private Dictionary<NicRef, NicSpec> _nicsByRef = [];
    private (List<string> InOrder, HashSet<string> Set)? _definedLinks;

    public Scenario Build()
    {
        var root = new Section(context, "", config.Root.GetObject().Items, D("scenario"));
        root.RejectUnknownKeys("seed", "duration", "time-mode", "hosts", "links", "switches", "bridges", "script", "capture", "report");

        long seed = 0;
        if (root.Scalar("seed", required: true) is { } seedText)
        {
            if (ValueParsers.ParseSeed(seedText, out var problem) is { } parsed) seed = parsed;
            else root.Error("seed", problem!);
        }
        var duration = root.Duration("duration", required: true, positive: true) ?? TimeSpan.Zero;
        var timeMode = TimeMode.Virtual;
        if (root.Scalar("time-mode", required: true) is { } tm)
        {
            switch (tm.Trim().ToLowerInvariant())
            {
                case "virtual": timeMode = TimeMode.Virtual; break;
                case "real": timeMode = TimeMode.Real; break;
                default: root.Error("time-mode", $"'{tm}' is not a time mode (virtual or real)"); break;
            }
        }

        var hosts = BuildHosts(root);
        _hostsByName = hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        _nicsByRef = hosts.SelectMany(h => h.Nics.Select(n => (Ref: new NicRef(h.Name, n.Name), Nic: n))).ToDictionary(x => x.Ref, x => x.Nic);
        var nics = _nicsByRef.Keys.ToHashSet();
        var connected = new Dictionary<NicRef, string>();
        var links = BuildLinks(root, hosts, nics, connected);
        var switches = BuildSwitches(root, hosts, nics, connected);
        var bridges = BuildBridges(root, hosts, nics, switches, connected, ref timeMode);
        var script = BuildScript(root, hosts, nics, links, duration);

        var capture = ImmutableArray.CreateBuilder<NicRef>();
        foreach (var (value, path) in root.StringList("capture", required: false) ?? [])
            if (ResolveNic(value, path, hosts, nics) is { } r) capture.Add(r);

        return new Scenario(fileName, seed, duration, timeMode, hosts, links, switches, script, capture.ToImmutable())
            { Bridges = bridges, Report = BuildReport(root), HostNodes = _hostNodes.ToImmutable(), Locate = context.At };
    }

    private IEnumerable<(string Name, HoconValue Value, string Path)> Entries(Section parent, string key)
    {
        if (!parent.Items.TryGetValue(key, out var v)) yield break;
        if (!v.IsObject()) { parent.Error(key, "must be an object of named entries { NAME { ... } }"); yield break; }
        foreach (var (name, value) in v.GetObject().Items)
        {
            var path = parent.KeyPath(key) + "." + name;
            if (!NamePattern().IsMatch(name)) { context.Error(path, $"'{name}' is not a valid name (a letter, then letters, digits, '-' or '_')"); continue; }
            if (name.Length > ScenarioLimits.MaxNameLength) { context.Error(path, $"the name is {name.Length} characters long; at most {ScenarioLimits.MaxNameLength}"); continue; }
            if (!value.IsObject()) { context.Error(path, "must be an object { ... }"); continue; }
            yield return (name, value, path);
        }
    }

    private ImmutableArray<HostSpec> BuildHosts(Section root)
    {
        var hosts = ImmutableArray.CreateBuilder<HostSpec>();
        var addressOwners = new Dictionary<IPAddress, string>();
        foreach (var (name, value, path) in Entries(root, "hosts"))
        {
            var host = root.Nested(path, value, D("host"));
            host.RejectUnknownKeys("forwarding", "nics", "routes", "node");
            ReadNode(host, name);
            var forwarding = host.Boolean("forwarding", required: true) ?? false;

            var nicSpecs = ImmutableArray.CreateBuilder<NicSpec>();
            foreach (var (nicName, nicValue, nicPath) in Entries(host, "nics"))
            {
                var nic = host.Nested(nicPath, nicValue, D("nic"));
                nic.RejectUnknownKeys("type", "addresses", "mtu", "mac", "queue");
                var kind = NicKind.Tap;
                if (nic.Scalar("type", required: true) is { } type)
                {
                    switch (type.Trim().ToLowerInvariant())
                    {
                        case "tun": kind = NicKind.Tun; break;
                        case "tap": kind = NicKind.Tap; break;
                        default: nic.Error("type", $"'{type}' is not a NIC type (tun or tap)"); break;
                    }
                }
                var addresses = ImmutableArray.CreateBuilder<InterfaceAddress>();
                foreach (var (text, apath) in nic.StringList("addresses", required: false) ?? [])
                {
                    var cidr = ValueParsers.ParseCidr(text, out var problem);
                    if (cidr is null) { context.Error(apath, problem!); continue; }
                    var (address, prefix) = cidr.Value;
                    var owner = $"{name}.{nicName}";
                    if (addressOwners.TryGetValue(address, out var other))
                    {
                        context.Error(apath, $"duplicate address {address}: already assigned to {other}");
                        continue;
                    }
                    addressOwners[address] = owner;
                    addresses.Add(new InterfaceAddress(address, prefix));
                }
                var mtu = (int)(nic.Integer("mtu", required: true, 68, 65535) ?? 1500);
                MacAddress? mac = null;
                if (nic.Scalar("mac", required: false) is { } macText)
                {
                    if (kind == NicKind.Tun) nic.Error("mac", "a TUN NIC has no MAC address (remove it or use type = tap)");
                    else if ((mac = ValueParsers.ParseMac(macText, out var problem)) is null) nic.Error("mac", problem!);
                }
                var queue = (int)(nic.Integer("queue", required: true, 1, 1_000_000) ?? 1024);
                nicSpecs.Add(new NicSpec(nicName, kind, addresses.ToImmutable(), mtu, mac, queue));
            }

            var routes = ImmutableArray.CreateBuilder<RouteSpec>();
            var routeList = host.Raw("routes");
            if (routeList is not null && !routeList.IsArray()) host.Error("routes", "must be a list of { to = ..., via = ..., dev = ... }");
            else if (routeList is not null)
            {
                var array = routeList.GetArray();
                for (int i = 0; i < array.Count; i++)
                {
                    var rpath = $"{host.KeyPath("routes")}[{i}]";
                    if (!array[i].IsObject()) { context.Error(rpath, "must be an object { to = ..., via = ..., dev = ... }"); continue; }
                    var route = host.Nested(rpath, array[i], D("route"));
                    route.RejectUnknownKeys("to", "via", "dev", "metric");
                    var to = RouteDestination(route);
                    var via = route.Has("via") ? route.Address("via", required: false) : null;
                    var dev = route.Scalar("dev", required: false);
                    if (dev is not null && nicSpecs.All(n => n.Name != dev))
                    {
                        var near = ValueParsers.Nearest(dev, nicSpecs.Select(n => n.Name));
                        route.Error("dev", $"host {name} has no NIC '{dev}'{(near is null ? "" : $"; did you mean '{near}'?")}");
                    }
                    if (via is null && dev is null && route.Has("to")) route.Error("to", "a route needs 'via' (a gateway), 'dev' (a NIC), or both");
                    if (via is not null && to is not null && via.AddressFamily != to.Network.AddressFamily) route.Error("via", $"gateway {via} is not of the same address family as {to}");
                    var metric = (int)(route.Integer("metric", required: true, 0, int.MaxValue) ?? 0);
                    if (to is not null) routes.Add(new RouteSpec(to, via, dev, metric));
                }
            }
            hosts.Add(new HostSpec(name, forwarding, nicSpecs.ToImmutable(), routes.ToImmutable()));
        }
        return hosts.ToImmutable();
    }

    private NicRef? ResolveNic(string text, string path, ImmutableArray<HostSpec> hosts, HashSet<NicRef> nics)
    {
        var r = ValueParsers.ParseNicRef(text, out var problem);
        if (r is null) { context.Error(path, problem!); return null; }
        if (!_hostsByName.TryGetValue(r.Value.Host, out var host))
        {
            var near = ValueParsers.Nearest(r.Value.Host, hosts.Select(h => h.Name));
            context.Error(path, $"no host named '{r.Value.Host}'{(near is null ? "" : $"; did you mean '{near}'?")}");
            return null;
        }
        if (!nics.Contains(r.Value))
        {
            var near = ValueParsers.Nearest(r.Value.Nic, host.Nics.Select(n => n.Name));
            context.Error(path, $"host {host.Name} has no NIC '{r.Value.Nic}'{(near is null ? "" : $"; did you mean '{near}'?")}");
            return null;
        }
        return r;
    }

    private bool ResolveHost(Section section, string key, string name, ImmutableArray<HostSpec> hosts)
    {
        if (_hostsByName.ContainsKey(name)) return true;
        var near = ValueParsers.Nearest(name, hosts.Select(h => h.Name));
        section.Error(key, $"no host named '{name}'{(near is null ? "" : $"; did you mean '{near}'?")}");
        return false;
    }

    private void Connect(NicRef nic, string owner, string path, Dictionary<NicRef, string> connected)
    {
        if (connected.TryGetValue(nic, out var other)) context.Error(path, $"{nic} is already connected to {other}");
        else connected[nic] = owner;
    }

    private ImmutableArray<LinkSpec> BuildLinks(Section root, ImmutableArray<HostSpec> hosts, HashSet<NicRef> nics, Dictionary<NicRef, string> connected)
    {
        var links = ImmutableArray.CreateBuilder<LinkSpec>();
        foreach (var (name, value, path) in Entries(root, "links"))
        {
            var link = root.Nested(path, value, D("link"));
            link.RejectUnknownKeys("a", "b", "delay", "jitter", "loss", "rate", "queue", "up");
            var a = link.Scalar("a", required: true) is { } at ? ResolveNic(at, link.KeyPath("a"), hosts, nics) : null;
            var b = link.Scalar("b", required: true) is { } bt ? ResolveNic(bt, link.KeyPath("b"), hosts, nics) : null;
            if (a is { } ra && b is { } rb)
            {
                if (ra == rb) link.Error("b", $"a link needs two different NICs ({ra} on both ends)");
                else
                {
                    Connect(ra, $"link {name}", link.KeyPath("a"), connected);
                    Connect(rb, $"link {name}", link.KeyPath("b"), connected);
                    var kindA = _nicsByRef[ra].Kind;
                    var kindB = _nicsByRef[rb].Kind;
                    if (kindA != kindB) link.Error("b", $"{ra} is {kindA.ToString().ToLowerInvariant()} but {rb} is {kindB.ToString().ToLowerInvariant()}; both ends of a link must be of one type");
                }
            }
            var props = LinkProps(link, required: true);
            var up = link.Boolean("up", required: true) ?? true;
            if (a is { } fa && b is { } fb && props is not null)
                links.Add(new LinkSpec(name, fa, fb, props, up));
        }
        return links.ToImmutable();
    }

    private static LinkProperties? LinkProps(Section s, bool required)
    {
        var delay = s.Duration("delay", required);
        var jitter = s.Duration("jitter", required);
        var loss = s.Probability("loss", required);
        var rate = s.BitRate("rate", required);
        var queue = s.Integer("queue", required, 1, 10_000_000);
        if (delay is null || jitter is null || loss is null || rate is null || queue is null) return null;
        return new LinkProperties(delay.Value, jitter.Value, loss.Value, rate.Value, (int)queue.Value);
    }

    private ImmutableArray<SwitchSpec> BuildSwitches(Section root, ImmutableArray<HostSpec> hosts, HashSet<NicRef> nics, Dictionary<NicRef, string> connected)
    {
        var switches = ImmutableArray.CreateBuilder<SwitchSpec>();
        foreach (var (name, value, path) in Entries(root, "switches"))
        {
            var sw = root.Nested(path, value, D("switch"));
            sw.RejectUnknownKeys("ports", "mac-ageing", "delay");
            var ports = ImmutableArray.CreateBuilder<NicRef>();
            foreach (var (text, ppath) in sw.StringList("ports", required: true) ?? [])
            {
                if (ResolveNic(text, ppath, hosts, nics) is not { } port) continue;
                if (_nicsByRef[port].Kind != NicKind.Tap)
                {
                    context.Error(ppath, $"{port} is a TUN NIC; a switch port needs a TAP NIC (Ethernet)");
                    continue;
                }
                Connect(port, $"switch {name}", ppath, connected);
                ports.Add(port);
            }
            var ageing = sw.Duration("mac-ageing", required: true, positive: true) ?? TimeSpan.Zero;
            var delay = sw.Duration("delay", required: true) ?? TimeSpan.Zero;
            switches.Add(new SwitchSpec(name, ports.ToImmutable(), ageing, delay));
        }
        return switches.ToImmutable();
    }

    private ImmutableArray<ScriptStep> BuildScript(Section root, ImmutableArray<HostSpec> hosts, HashSet<NicRef> nics, ImmutableArray<LinkSpec> links, TimeSpan duration)
    {
        var steps = new List<ScriptStep>();
        var raw = root.Raw("script");
        string spath = "script";
        void Add(ScriptStep step)
        {
            context.StepPaths[step] = spath;
            steps.Add(step);
        }
        if (raw is null) return [];
        if (!raw.IsArray()) { root.Error("script", "must be a list of steps [ { at = 1s, ping { ... } }, ... ]"); return []; }
        var array = raw.GetArray();
        var flows = new Dictionary<string, string>();
        var expectNames = new HashSet<string>();
        var echoes = new HashSet<(string, long)>();
        int pings = 0, udps = 0, tcps = 0, expects = 0;
        var pendingExpects = new List<(Section Section, string Flow)>();

        for (int i = 0; i < array.Count; i++)
        {
            spath = $"script[{i}]";
            if (!array[i].IsObject()) { context.Error(spath, "must be an object { at = ..., ACTION ... }"); continue; }
            var step = root.Nested(spath, array[i], null);
            step.RejectUnknownKeys(["at", .. StepActions]);
            var at = step.Duration("at", required: true);
            if (at is { } t && duration > TimeSpan.Zero && t > duration)
                step.Error("at", $"{Format(t)} is after the end of the run (duration {Format(duration)})");
            var actions = step.Items.Keys.Where(k => StepActions.Contains(k)).ToList();
            if (actions.Count != 1)
            {
                context.Error(spath, actions.Count == 0
                    ? $"a step needs one action ({string.Join(", ", StepActions)})"
                    : $"a step has one action, this one has {actions.Count} ({string.Join(", ", actions)}); split it into steps");
                continue;
            }
            var action = actions[0];
            var time = at ?? TimeSpan.Zero;
            switch (action)
            {
                case "ping":
                {
                    if (step.Child("ping", D("ping")) is not { } p) break;
                    p.RejectUnknownKeys("name", "from", "to", "count", "interval", "size", "ttl");
                    pings++;
                    var name = FlowName(p, $"ping-{pings}", flows, "ping");
                    var from = p.Scalar("from", required: true);
                    if (from is not null) ResolveHost(p, "from", from, hosts);
                    var to = p.Address("to", required: true);
                    var count = p.Integer("count", true, 1, int.MaxValue);
                    var interval = p.Duration("interval", true, positive: true);
                    var size = p.Integer("size", true, 0, 65507);
                    var ttl = p.Integer("ttl", true, 1, 255);
                    if (from is not null && to is not null && count is not null && interval is not null && size is not null && ttl is not null)
                        Add(new PingStep(time, name, from, to, (int)count, interval.Value, (int)size, (int)ttl));
                    break;
                }
                case "udp":
                {
                    if (step.Child("udp", D("udp")) is not { } u) break;
                    u.RejectUnknownKeys("name", "from", "to", "port", "rate", "size", "count", "duration");
                    udps++;
                    var name = FlowName(u, $"udp-{udps}", flows, "udp");
                    var from = u.Scalar("from", required: true);
                    if (from is not null) ResolveHost(u, "from", from, hosts);
                    var to = u.Address("to", required: true);
                    var port = u.Integer("port", true, 1, 65535);
                    var rate = u.Number("rate", true, double.Epsilon, ScenarioLimits.MaxPacketsPerSecond,
                        $"is not a packet rate (more than 0 and at most {ScenarioLimits.MaxPacketsPerSecond:0} packets/s, one per clock tick)");
                    var size = u.Integer("size", true, 0, 65507);
                    var count = u.Has("count") ? u.Integer("count", false, 1, int.MaxValue) : null;
                    var dur = u.Has("duration") ? u.Duration("duration", false, positive: true) : null;
                    if (u.Has("count") && u.Has("duration")) u.Error("duration", "give either count or duration, not both");
                    else if (!u.Has("count") && !u.Has("duration")) context.Error(u.Path, "needs count (packets) or duration (time) to know when to stop");
                    else if (from is not null && to is not null && port is not null && rate is not null && size is not null && (count is not null || dur is not null))
                        Add(new UdpStep(time, name, from, to, (int)port, rate.Value, (int)size, (int?)count, dur));
                    break;
                }
                case "tcp":
                {
                    if (step.Child("tcp", D("tcp")) is not { } c) break;
                    c.RejectUnknownKeys("name", "from", "to", "port", "bytes", "duration", "cc");
                    tcps++;
                    var name = FlowName(c, $"tcp-{tcps}", flows, "tcp");
                    var from = c.Scalar("from", required: true);
                    if (from is not null) ResolveHost(c, "from", from, hosts);
                    var to = c.Address("to", required: true);
                    var port = c.Integer("port", true, 1, 65535);
                    var bytes = c.Has("bytes") ? c.ByteSize("bytes", false, min: 1) : null;
                    var dur = c.Has("duration") ? c.Duration("duration", false, positive: true) : null;
                    var cc = c.Scalar("cc", true);
                    if (cc is not null && !Network.Tcp.CongestionControls.Exists(cc))
                    {
                        var near = ValueParsers.Nearest(cc, Network.Tcp.CongestionControls.Names);
                        c.Error("cc", $"no congestion control named '{cc}' (known: {string.Join(", ", Network.Tcp.CongestionControls.Names)}){(near is null ? "" : $"; did you mean '{near}'?")}");
                        cc = null;
                    }
                    if (c.Has("bytes") && c.Has("duration")) c.Error("duration", "give either bytes or duration, not both");
                    else if (!c.Has("bytes") && !c.Has("duration")) context.Error(c.Path, "needs bytes (e.g. 10MB) or duration (e.g. 30s) to know when to stop");
                    else if (from is not null && to is not null && port is not null && cc is not null && (bytes is not null || dur is not null))
                        steps.Add(new TcpStep(time, name, from, to, (int)port, bytes, dur, cc));
                    break;
                }
                case "tcp-echo":
                {
                    if (step.Child("tcp-echo", null) is not { } e) break;
                    e.RejectUnknownKeys("host", "port");
                    var host = e.Scalar("host", required: true);
                    if (host is not null && !ResolveHost(e, "host", host, hosts)) host = null;
                    var port = e.Integer("port", true, 1, 65535);
                    if (host is not null && port is not null && !echoes.Add((host, port.Value)))
                        e.Error("port", $"{host} already runs a tcp-echo on port {port}");
                    else if (host is not null && port is not null) Add(new TcpEchoStep(time, host, (int)port));
                    break;
                }
                case "link-down" or "link-up":
                {
                    if (step.Scalar(action, required: true) is not { } l || !ResolveLink(step, action, l, links)) break;
                    Add(action == "link-down" ? new LinkDownStep(time, l) : new LinkUpStep(time, l));
                    break;
                }
                case "link-set":
                {
                    if (step.Child("link-set", null) is not { } s) break;
                    s.RejectUnknownKeys("link", "delay", "jitter", "loss", "rate", "queue");
                    var l = s.Scalar("link", required: true);
                    if (l is null || !ResolveLink(s, "link", l, links)) break;
                    var changes = s.Items.Keys.Count(k => k != "link");
                    if (changes == 0) { context.Error(s.Path, "changes nothing; give at least one of delay, jitter, loss, rate, queue"); break; }
                    Add(new LinkSetStep(time, l,
                        s.Has("delay") ? s.Duration("delay", false) : null,
                        s.Has("jitter") ? s.Duration("jitter", false) : null,
                        s.Has("loss") ? s.Probability("loss", false) : null,
                        s.Has("rate") ? s.BitRate("rate", false) : null,
                        s.Has("queue") ? (int?)s.Integer("queue", false, 1, 10_000_000) : null));
                    break;
                }
                case "close-devices":
                {
                    if (step.Scalar("close-devices", required: true) is { } text && ResolveNic(text, step.KeyPath("close-devices"), hosts, nics) is { } nic)
                        Add(new CloseDevicesStep(time, nic));
                    break;
                }
                case "expect":
                {
                    if (step.Child("expect", null) is not { } e) break;
                    e.RejectUnknownKeys("name", "flow", "counter", "at-least", "at-most", "equals");
                    expects++;
                    var name = e.Scalar("name", false) ?? $"expect-{expects}";
                    if (!expectNames.Add(name)) e.Error("name", $"another expectation is already named '{name}'");
                    ExpectSubject? subject = null;
                    bool isFlow = e.Has("flow");
                    if (e.Has("flow") == e.Has("counter")) { context.Error(e.Path, "give exactly one of flow (a flow name) or counter (host.nic.counter or host.counter)"); break; }
                    if (isFlow)
                    {
                        if (e.Scalar("flow", true) is { } f) { subject = new FlowSubject(f); pendingExpects.Add((e, f)); }
                    }
                    else if (e.Scalar("counter", true) is { } c)
                    {
                        subject = ResolveCounter(e, c, hosts, nics);
                    }
                    var conditions = ImmutableArray.CreateBuilder<ExpectCondition>();
                    foreach (var (key, cmp) in new[] { ("at-least", Comparison.AtLeast), ("at-most", Comparison.AtMost), ("equals", Comparison.EqualTo) })
                    {
                        if (e.Child(key, null) is not { } bounds) continue;
                        bounds.RejectUnknownKeys(isFlow ? [.. ScenarioLoader.FlowMetrics] : ["value"]);
                        foreach (var metric in bounds.Items.Keys.Where(k => isFlow ? ScenarioLoader.FlowMetrics.Contains(k) : k == "value"))
                        {
                            double? bound = metric.StartsWith("rtt-", StringComparison.Ordinal) || metric is "connect-time" or "srtt" or "min-rtt"
                                ? bounds.Duration(metric, true)?.TotalMilliseconds
                                : metric == "goodput" ? bounds.BitRate(metric, true)
                                : metric == "bytes" ? bounds.ByteSize(metric, true)
                                : metric is "delivery-ratio" or "loss" ? bounds.Probability(metric, true)
                                : bounds.Number(metric, true, metric == "value" ? double.MinValue : 0, double.MaxValue);
                            if (bound is not null) conditions.Add(new ExpectCondition(metric, cmp, bound.Value));
                        }
                    }
                    if (conditions.Count == 0 && !e.Has("at-least") && !e.Has("at-most") && !e.Has("equals"))
                        context.Error(e.Path, "checks nothing; give at-least { ... }, at-most { ... } or equals { ... }");
                    if (subject is not null) Add(new ExpectStep(time, name, subject, conditions.ToImmutable()));
                    break;
                }
            }
        }

        foreach (var (section, flow) in pendingExpects)
        {
            if (flows.ContainsKey(flow)) continue;
            var near = ValueParsers.Nearest(flow, flows.Keys);
            section.Error("flow", $"no ping, udp or tcp step is named '{flow}'{(near is null ? "" : $"; did you mean '{near}'?")}");
        }
        return [.. steps.OrderBy(s => s.At)];
    }

    private static string FlowName(Section s, string fallback, Dictionary<string, string> flows, string kind)
    {
        var name = s.Scalar("name", false) ?? fallback;
        if (!flows.TryAdd(name, kind)) s.Error("name", $"another flow is already named '{name}'");
        return name;
    }

    private bool ResolveLink(Section s, string key, string name, ImmutableArray<LinkSpec> links)
    {
        // Names of every defined link, valid or not, so one bad link does not also fail each step that names it.
        if (_definedLinks is null)
        {
            var names = config.HasPath("links") && config.GetValue("links").IsObject()
                ? config.GetValue("links").GetObject().Items.Keys.ToList()
                : links.Select(l => l.Name).ToList();
            _definedLinks = (names, names.ToHashSet(StringComparer.Ordinal));
        }
        var (defined, set) = _definedLinks.Value;
        if (set.Contains(name)) return true;
        var near = ValueParsers.Nearest(name, defined);
        s.Error(key, $"no link named '{name}'{(near is null ? "" : $"; did you mean '{near}'?")}");
        return false;
    }

    private CounterSubject? ResolveCounter(Section e, string text, ImmutableArray<HostSpec> hosts, HashSet<NicRef> nics)
    {
        var parts = text.Split('.');
        if (parts.Length < 2 || parts.Any(p => p.Length == 0))
        {
            e.Error("counter", $"'{text}' is not a counter (write host.nic.counter, e.g. h1.eth0.tx_dropped, or host.counter for a stack counter such as h1.icmpv4.in.time-exceeded)");
            return null;
        }
        if (!ResolveHost(e, "counter", parts[0], hosts)) return null;
        // host.NIC.counter when the second part names one of the host's NICs; otherwise a stack counter, whose
        // names (report.json's "hosts" section) may themselves contain dots.
        if (parts.Length == 2 || !nics.Contains(new NicRef(parts[0], parts[1])))
        {
            var stackCounter = string.Join('.', parts[1..]);
            if (!CounterCatalogue.IsHostCounter(stackCounter))
            {
                var nearHost = ValueParsers.Nearest(stackCounter, CounterCatalogue.HostCounters);
                e.Error("counter", $"'{stackCounter}' is neither a NIC of {parts[0]} nor a host counter (docs/counters.md lists them, e.g. icmpv4.in.time-exceeded, or stack.REASON){(nearHost is null ? "" : $"; did you mean '{nearHost}'?")}");
                return null;
            }
            return new CounterSubject(parts[0], null, stackCounter);
        }
        var counter = string.Join('.', parts[2..]); // drop reasons are named drop.REASON
        if (ResolveNic($"{parts[0]}.{parts[1]}", e.KeyPath("counter"), hosts, nics) is null) return null;
        if (!CounterCatalogue.IsNicCounter(counter))
        {
            var near = ValueParsers.Nearest(counter, CounterCatalogue.NicCounters);
            e.Error("counter", $"'{counter}' is not a NIC counter ({string.Join(", ", CounterCatalogue.NicCounters)}, or drop.REASON){(near is null ? "" : $"; did you mean '{near}'?")}");
            return null;
        }
        return new CounterSubject(parts[0], parts[1], counter);
    }

    private static string Format(TimeSpan t) => t.TotalSeconds >= 1 && t.Ticks % TimeSpan.TicksPerSecond == 0
        ? $"{t.TotalSeconds:0}s"
        : $"{t.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}ms";
}
