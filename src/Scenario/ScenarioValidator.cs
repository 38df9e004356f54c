using System.Net;
using System.Net.Sockets;

namespace NetSim.Scenario;

/// <summary>
/// A check of a whole scenario that needs more than one section at once (a route and the subnets of its host, two
/// flows on one port). Rules run after the file has been read without errors, so the model is complete; each reports
/// through <see cref="ScenarioRuleContext.Error"/> with a key path, which names the line. Add a rule to
/// <see cref="ScenarioValidator.Rules"/> when a new section brings a condition that setting the run up would
/// otherwise find: whatever <c>netsim validate</c> accepts, <c>netsim run</c> must run.
/// </summary>
public interface IScenarioRule
{
    /// <summary>Reports every problem of <paramref name="scenario"/>.</summary>
    void Check(Scenario scenario, ScenarioRuleContext context);
}

/// <summary>What a rule can ask: where a script step came from, and where to put an error.</summary>
public sealed class ScenarioRuleContext
{
    private readonly ScenarioLoader.LoadContext _load;

    internal ScenarioRuleContext(ScenarioLoader.LoadContext load) => _load = load;

    /// <summary>Reports <paramref name="message"/> at key path <paramref name="path"/> (e.g. <c>hosts.h1.routes[0].via</c>).</summary>
    public void Error(string path, string message) => _load.Error(path, message);

    /// <summary>Key path of a script step as written in the file, e.g. <c>script[3]</c>.</summary>
    public string PathOf(ScriptStep step) => _load.StepPaths.TryGetValue(step, out var p) ? p : "script";
}

/// <summary>The cross-section rules of scenario files, run by <see cref="ScenarioLoader"/> after the build.</summary>
public static class ScenarioValidator
{
    /// <summary>Every rule, in the order they report.</summary>
    public static readonly IReadOnlyList<IScenarioRule> Rules =
        [new AddressRules(), new RouteRules(), new CaptureRules(), new FlowPortRules()];

    internal static void Check(Scenario scenario, ScenarioLoader.LoadContext context)
    {
        var ruleContext = new ScenarioRuleContext(context);
        foreach (var rule in Rules) rule.Check(scenario, ruleContext);
    }

    /// <summary>True when <paramref name="address"/> is in the subnet of <paramref name="nicAddress"/>.</summary>
    internal static bool InSubnet(IPAddress address, InterfaceAddress nicAddress)
    {
        if (address.AddressFamily != nicAddress.Address.AddressFamily) return false;
        var a = address.GetAddressBytes();
        var n = nicAddress.Address.GetAddressBytes();
        for (int bit = 0; bit < nicAddress.PrefixLength; bit++)
            if (((a[bit / 8] ^ n[bit / 8]) & (0x80 >> (bit % 8))) != 0) return false;
        return true;
    }

    /// <summary>Addresses a host stack refuses to assign, and IPv6 on a NIC whose MTU is below 1280.</summary>
    private sealed class AddressRules : IScenarioRule
    {
        public void Check(Scenario scenario, ScenarioRuleContext context)
        {
            foreach (var h in scenario.Hosts)
                foreach (var nic in h.Nics)
                    for (int i = 0; i < nic.Addresses.Length; i++)
                    {
                        var a = nic.Addresses[i].Address;
                        var path = $"hosts.{h.Name}.nics.{nic.Name}.addresses[{i}]";
                        var v6 = a.AddressFamily == AddressFamily.InterNetworkV6;
                        string? problem =
                            a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) ? "is the unspecified address"
                            : v6 ? (a.IsIPv6Multicast ? "is a multicast address" : a.Equals(IPAddress.IPv6Loopback) ? "is the loopback address" : null)
                            : a.GetAddressBytes()[0] >= 224 && a.GetAddressBytes()[0] <= 239 ? "is a multicast address"
                            : a.Equals(IPAddress.Broadcast) ? "is the broadcast address"
                            : a.GetAddressBytes()[0] == 127 ? "is a loopback address (127.0.0.0/8 belongs to lo)"
                            : null;
                        if (problem is not null) context.Error(path, $"{a} {problem}; a NIC needs a unicast address");
                        else if (v6 && nic.Mtu < ScenarioLimits.MinIpv6Mtu)
                            context.Error(path, $"{a} is IPv6, which needs an MTU of at least {ScenarioLimits.MinIpv6Mtu}; this NIC's mtu is {nic.Mtu}");
                    }
        }
    }

    /// <summary>A gateway must be inside a subnet of the host (of <c>dev</c> when given); no route twice.</summary>
    private sealed class RouteRules : IScenarioRule
    {
        public void Check(Scenario scenario, ScenarioRuleContext context)
        {
            foreach (var h in scenario.Hosts)
            {
                var seen = new HashSet<(string, string?, string?)>();
                for (int i = 0; i < h.Routes.Length; i++)
                {
                    var r = h.Routes[i];
                    var path = $"hosts.{h.Name}.routes[{i}]";
                    string? device = r.Device;
                    if (r.Via is { } via)
                    {
                        if (via.Equals(IPAddress.Any) || via.Equals(IPAddress.IPv6Any) || via.IsIPv6Multicast || (via.AddressFamily == AddressFamily.InterNetwork && via.GetAddressBytes()[0] is >= 224 and <= 239))
                        {
                            context.Error(path + ".via", $"{via} cannot be a gateway (unspecified or multicast)");
                            continue;
                        }
                        var candidates = h.Nics.Where(n => r.Device is null || n.Name == r.Device).ToList();
                        var onLink = candidates.FirstOrDefault(n => n.Addresses.Any(a => InSubnet(via, a)));
                        if (onLink is null)
                        {
                            context.Error(path + ".via", r.Device is null
                                ? $"gateway {via} is outside every subnet of host {h.Name}; it must be reachable on one of its NICs"
                                : $"gateway {via} is outside every subnet of {h.Name}.{r.Device}");
                            continue;
                        }
                        device ??= onLink.Name;
                    }
                    if (!seen.Add((r.To.ToString(), r.Via?.ToString(), device)))
                        context.Error(path + ".to", $"the same route to {r.To}{(r.Via is null ? "" : $" via {r.Via}")} dev {device} is given twice");
                }
            }
        }
    }

    /// <summary>Each NIC is captured once (one pcap file each).</summary>
    private sealed class CaptureRules : IScenarioRule
    {
        public void Check(Scenario scenario, ScenarioRuleContext context)
        {
            var seen = new HashSet<NicRef>();
            for (int i = 0; i < scenario.Capture.Length; i++)
                if (!seen.Add(scenario.Capture[i]))
                    context.Error($"capture[{i}]", $"{scenario.Capture[i]} is already captured (each NIC is written to one pcap file)");
        }
    }

    /// <summary>The receiving port of a UDP flow is bound for the whole run: two flows may not share host and port.</summary>
    private sealed class FlowPortRules : IScenarioRule
    {
        public void Check(Scenario scenario, ScenarioRuleContext context)
        {
            var hostByAddress = new Dictionary<IPAddress, string>();
            foreach (var h in scenario.Hosts)
                foreach (var n in h.Nics)
                    foreach (var a in n.Addresses)
                        hostByAddress.TryAdd(a.Address, h.Name);
            var bound = new Dictionary<(string Host, int Port), string>();
            foreach (var u in scenario.Script.OfType<UdpStep>())
            {
                if (!hostByAddress.TryGetValue(u.To, out var host)) continue; // nobody receives: nothing is bound
                if (bound.TryGetValue((host, u.Port), out var other))
                    context.Error(context.PathOf(u) + ".udp.port", $"flow '{other}' already receives on {host} port {u.Port}; give this flow another port");
                else bound[(host, u.Port)] = u.Name;
            }
        }
    }
}
