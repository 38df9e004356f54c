using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using NetSim.Actors.Time;

namespace NetSim.Scenario;

/// <summary>Where a bridge joins the simulation: a host's NIC, or a switch (the kernel becomes one more port).</summary>
public abstract record BridgeAttachment;

/// <summary><c>attach = "host.nic"</c>: a cable from that NIC to the kernel device.</summary>
public sealed record BridgeToNic(NicRef Nic) : BridgeAttachment;

/// <summary><c>attach = "switch"</c>: the kernel device is one more port of that switch (TAP only).</summary>
public sealed record BridgeToSwitch(string Switch) : BridgeAttachment;

/// <summary>A route the kernel gets through the bridge's device: <c>bridges.NAME.routes[i]</c>.</summary>
public sealed record KernelRouteSpec(IpPrefix To, IPAddress? Via);

/// <summary>
/// <c>bridges.NAME</c>: a real Linux TUN/TAP device (<paramref name="KernelDevice"/>) joined to the simulation at
/// <paramref name="Attach"/>, created inside <paramref name="Netns"/> (made first when <paramref name="CreateNetns"/>),
/// given <paramref name="Addresses"/> and <paramref name="Routes"/>, all removed when the run ends.
/// </summary>
public sealed record BridgeSpec(
    string Name,
    string KernelDevice,
    NicKind Kind,
    BridgeAttachment Attach,
    string? Netns,
    bool CreateNetns,
    ImmutableArray<InterfaceAddress> Addresses,
    ImmutableArray<KernelRouteSpec> Routes,
    int Mtu,
    bool Capture);

internal sealed partial class ScenarioBuilder
{
    /// <summary>Longest Linux interface name (IFNAMSIZ - 1).</summary>
    private const int MaxDeviceName = 15;

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex DeviceNamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NetnsNamePattern();

    /// <summary>
    /// Reads the <c>bridges</c> section and settles the time mode: a bridge needs real time, so a scenario with one
    /// runs in real time unless it asks for virtual time, which is an error at its <c>time-mode</c> line.
    /// </summary>
    private ImmutableArray<BridgeSpec> BuildBridges(Section root, ImmutableArray<HostSpec> hosts, HashSet<NicRef> nics,
        ImmutableArray<SwitchSpec> switches, Dictionary<NicRef, string> connected, ref TimeMode timeMode)
    {
        var bridges = ImmutableArray.CreateBuilder<BridgeSpec>();
        var devices = new Dictionary<(string? Netns, string Device), string>();
        var anyBridge = false;
        foreach (var (name, value, path) in Entries(root, "bridges"))
        {
            anyBridge = true;
            var b = root.Nested(path, value, D("bridge"));
            b.RejectUnknownKeys("kernel-device", "type", "attach", "netns", "create-netns", "addresses", "routes", "mtu", "capture");

            var device = b.Scalar("kernel-device", required: true);
            if (device is not null)
            {
                if (device.Length > MaxDeviceName) { b.Error("kernel-device", $"'{device}' is {device.Length} characters; Linux interface names have at most {MaxDeviceName}"); device = null; }
                else if (!DeviceNamePattern().IsMatch(device) || device is "." or "..") { b.Error("kernel-device", $"'{device}' is not an interface name (letters, digits, '_', '.', '-')"); device = null; }
            }

            // Where it attaches, and so which kinds fit.
            BridgeAttachment? attach = null;
            NicKind? attachedKind = null;
            int attachedMtu = 1500;
            if (b.Scalar("attach", required: true) is { } target)
            {
                if (target.Contains('.'))
                {
                    if (ResolveNic(target, b.KeyPath("attach"), hosts, nics) is { } nic)
                    {
                        Connect(nic, $"bridge {name}", b.KeyPath("attach"), connected);
                        var spec = hosts.First(h => h.Name == nic.Host).Nics.First(n => n.Name == nic.Nic);
                        attachedKind = spec.Kind;
                        attachedMtu = spec.Mtu;
                        attach = new BridgeToNic(nic);
                    }
                }
                else if (switches.Any(s => s.Name == target))
                {
                    attachedKind = NicKind.Tap;
                    attach = new BridgeToSwitch(target);
                }
                else
                {
                    var near = ValueParsers.Nearest(target, switches.Select(s => s.Name));
                    b.Error("attach", $"'{target}' is neither a NIC (host.nic) nor a switch{(near is null ? "" : $"; did you mean '{near}'?")}");
                }
            }

            var kind = attachedKind ?? NicKind.Tun;
            if (b.Scalar("type", required: false) is { } type)
            {
                switch (type.Trim().ToLowerInvariant())
                {
                    case "tun": kind = NicKind.Tun; break;
                    case "tap": kind = NicKind.Tap; break;
                    default: b.Error("type", $"'{type}' is not a device type (tun or tap)"); break;
                }
                if (attachedKind is { } k && k != kind)
                    b.Error("type", attach is BridgeToSwitch
                        ? "a bridge onto a switch carries Ethernet frames: type must be tap"
                        : $"{((BridgeToNic)attach!).Nic} is a {k.ToString().ToLowerInvariant()} NIC; the kernel device must be of the same type");
            }

            var netns = b.Scalar("netns", required: false);
            if (netns is not null && !NetnsNamePattern().IsMatch(netns)) { b.Error("netns", $"'{netns}' is not a namespace name (letters, digits, '_', '.', '-'; at most 64)"); netns = null; }
            var create = b.Boolean("create-netns", required: true) ?? false;
            if (create && !b.Has("netns")) b.Error("create-netns", "needs netns (the name of the namespace to create)");

            if (device is not null && !devices.TryAdd((netns, device), name))
                b.Error("kernel-device", $"bridge {devices[(netns, device)]} already creates '{device}'{(netns is null ? "" : $" in netns {netns}")}");

            var addresses = ImmutableArray.CreateBuilder<InterfaceAddress>();
            foreach (var (text, apath) in b.StringList("addresses", required: false) ?? [])
            {
                var cidr = ValueParsers.ParseCidr(text, out var problem);
                if (cidr is null) context.Error(apath, problem!);
                else addresses.Add(new InterfaceAddress(cidr.Value.Address, cidr.Value.Prefix));
            }
            var routes = BridgeRoutes(b);
            var mtu = (int)(b.Has("mtu") ? b.Integer("mtu", false, 68, 65535) ?? attachedMtu : attachedMtu);
            var capture = b.Boolean("capture", required: true) ?? false;

            if (device is not null && attach is not null)
                bridges.Add(new BridgeSpec(name, device, kind, attach, netns, create, addresses.ToImmutable(), routes, mtu, capture));
        }

        if (anyBridge)
        {
            // Frames from real programs arrive on the wall clock: virtual time cannot keep pace with them.
            if (timeMode == TimeMode.Virtual && root.Has("time-mode"))
                root.Error("time-mode", "a scenario with bridges runs in real time (real programs do not wait for simulated time); remove time-mode or set it to real");
            timeMode = TimeMode.Real;
        }
        return bridges.ToImmutable();
    }

    /// <summary>A route's <c>to</c>: a network prefix (host bits zero), for hosts' and bridges' routes alike.</summary>
    private static IpPrefix? RouteDestination(Section route)
    {
        if (route.Scalar("to", required: true) is not { } text) return null;
        var cidr = ValueParsers.ParseCidr(text, out var problem);
        if (cidr is null) { route.Error("to", problem!); return null; }
        if (!ValueParsers.HostBitsAreZero(cidr.Value.Address, cidr.Value.Prefix))
        {
            route.Error("to", $"'{text}' has host bits set after the prefix; a route destination is a network");
            return null;
        }
        return new IpPrefix(cidr.Value.Address, cidr.Value.Prefix);
    }

    private ImmutableArray<KernelRouteSpec> BridgeRoutes(Section b)
    {
        var routes = ImmutableArray.CreateBuilder<KernelRouteSpec>();
        var list = b.Raw("routes");
        if (list is null) return [];
        if (!list.IsArray()) { b.Error("routes", "must be a list of { to = ..., via = ... }"); return []; }
        var array = list.GetArray();
        for (int i = 0; i < array.Count; i++)
        {
            var rpath = $"{b.KeyPath("routes")}[{i}]";
            if (!array[i].IsObject()) { context.Error(rpath, "must be an object { to = ..., via = ... }"); continue; }
            var route = b.Nested(rpath, array[i], null);
            route.RejectUnknownKeys("to", "via");
            var to = RouteDestination(route);
            var via = route.Has("via") ? route.Address("via", required: false) : null;
            if (via is not null && to is not null && via.AddressFamily != to.Network.AddressFamily) route.Error("via", $"gateway {via} is not of the same address family as {to}");
            if (to is not null) routes.Add(new KernelRouteSpec(to, via));
        }
        return routes.ToImmutable();
    }
}
