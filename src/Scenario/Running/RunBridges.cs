using Akka.Actor;
using NetSim.Actors.Links;
using NetSim.Bridge.Actors;
using NetSim.Bridge.Kernel;
using NetSim.Protocol.Bridge;
using NetSim.Protocol.Capture;
using NetSim.Scenario.Output;
using NetSim.Scenario.Reports;

namespace NetSim.Scenario.Running;

/// <summary>
/// The bridges of one run: the kernel side (namespaces, devices, addresses, routes) made before any actor starts and
/// removed after the actor system stops, and the actors that join each device to the simulation (a
/// <see cref="BridgeActor"/> for a NIC, a <see cref="KernelPortActor"/> as one more port of a switch).
/// </summary>
internal sealed class RunBridges : IDisposable
{
    private readonly Scenario _scenario;
    private readonly KernelDeviceSet _kernel;
    private readonly Dictionary<string, IActorRef> _actors = new(StringComparer.Ordinal);

    private RunBridges(Scenario scenario, KernelDeviceSet kernel)
    {
        _scenario = scenario;
        _kernel = kernel;
    }

    /// <summary>
    /// Creates the kernel side of every bridge, or throws <see cref="KernelSetupException"/> (what this machine lacks or
    /// refused: bad input for the netsim command, exit 2) having removed what it made.
    /// </summary>
    public static RunBridges Open(Scenario scenario)
    {
        var specs = scenario.Bridges.Select(b => new KernelDeviceSpec(b.Name, b.KernelDevice, b.Kind == NicKind.Tap, b.Netns, b.CreateNetns,
            b.Addresses.Select(a => a.ToString()).ToList(), b.Routes.Select(r => new KernelRoute(r.To.ToString(), r.Via?.ToString())).ToList(), b.Mtu)).ToList();
        return new RunBridges(scenario, KernelDeviceSet.Open(specs));
    }

    private IEnumerable<BridgeSpec> OnSwitch(string name) => _scenario.Bridges.Where(b => b.Attach is BridgeToSwitch s && s.Switch == name);

    /// <summary>The kernel ports a switch gets after its NIC ports (empty for most switches).</summary>
    public IReadOnlyList<Func<int, IActorRef, Props>> SwitchPorts(string name) =>
        [.. OnSwitch(name).Select(b => (Func<int, IActorRef, Props>)((index, owner) => KernelPortActor.Props(index, _kernel[b.Name], owner, b.Name)))];

    /// <summary>Starts a bridge actor for every bridge on a NIC; returns how many will report LinkReady to <paramref name="recorder"/>.</summary>
    public int StartNicBridges(SimulationSession session, Func<NicRef, NicEndpoint> endpoint, IActorRef recorder)
    {
        var started = 0;
        foreach (var b in _scenario.Bridges)
        {
            if (b.Attach is not BridgeToNic n) continue;
            _actors[b.Name] = session.ActorOf(BridgeActor.Props(b.Name, endpoint(n.Nic), _kernel[b.Name], recorder), ActorNames.Of("bridge", b.Name));
            started++;
        }
        return started;
    }

    /// <summary>Finds the kernel ports that switches started (after the switches are ready).</summary>
    public void FindSwitchPorts(SimulationSession session)
    {
        foreach (var s in _scenario.Switches)
        {
            var index = s.Ports.Length;
            foreach (var b in OnSwitch(s.Name))
                _actors[b.Name] = session.System.ActorSelection($"/user/{ActorNames.Of("switch", s.Name)}/port-{index++}").ResolveOne(TimeSpan.FromSeconds(10)).Result;
        }
    }

    /// <summary>Starts the pcap of every bridge with capture on: bridge-NAME.pcap, Ethernet for TAP, raw IP for TUN.</summary>
    public IEnumerable<(IActorRef Sink, string Path)> StartCaptures(SimulationSession session, string folder)
    {
        foreach (var b in _scenario.Bridges.Where(b => b.Capture))
        {
            var path = Path.Combine(folder, $"bridge-{b.Name}.pcap");
            var sink = session.ActorOf(PcapSinkActor.Props(PcapWriter.Create(path, b.Kind == NicKind.Tap ? PcapLinkType.Ethernet : PcapLinkType.Raw)), ActorNames.Of("pcap-bridge", b.Name));
            if (session.Request(_actors[b.Name], new CaptureNic(sink, true)) is not CaptureStarted)
                throw new ScenarioSetupException($"bridge {b.Name}: capture did not start");
            yield return (sink, path);
        }
    }

    /// <summary>Every bridge's counters, in file order.</summary>
    public List<BridgeReport> Collect(SimulationSession session) =>
        [.. _scenario.Bridges.Select(b => session.Request(_actors[b.Name], GetBridgeCounters.Instance) is BridgeCounters c
            ? new BridgeReport(b.Name, c.Device, b.Netns, c.FromKernelFrames, c.FromKernelBytes, c.ToKernelFrames, c.ToKernelBytes, c.Dropped,
                ReportMaps.Sorted(c.DropReasons))
            : throw new ScenarioSetupException($"bridge {b.Name}: no counters"))];

    /// <summary>Closes the devices (the kernel removes them) and deletes the namespaces the run made.</summary>
    public void Dispose() => _kernel.Dispose();
}
