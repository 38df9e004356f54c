using Akka.Actor;
using NetSim.Actors.Time;
using NetSim.Protocol;
using NetSim.Protocol.Links;
using NetSim.Protocol.Stack;
using NetSim.Protocol.Wire;

namespace NetSim.Scenario.Running;

/// <summary>What the script needs to act on the topology, built by the runner.</summary>
internal sealed record ScriptTargets(
    IReadOnlyDictionary<string, IActorRef> Hosts,
    IReadOnlyDictionary<string, IActorRef> Links,
    IReadOnlyDictionary<string, Protocol.Links.LinkParameters> LinkParameters,
    IReadOnlyDictionary<IpAddress, string> HostByAddress,
    IReadOnlyDictionary<string, FlowStats> Flows,
    IReadOnlyDictionary<string, TcpFlowStats> TcpFlows);

/// <summary>
/// Runs a scenario's script: each step fires at its simulated time (one timer per step; steps at the same time
/// keep file order). Flows become child actors; link changes go to the link actors; closing a NIC's devices closes
/// every file attached to it (the NIC then disappears; the runner reports the counters it published as it stopped).
/// Expectations are evaluated by the runner after the run, on the final figures. In a partitioned run every partition
/// runs the whole script but acts only on the hosts and links it simulates (<see cref="ScriptTargets"/> holds only
/// those; <see cref="ScriptTargets.HostByAddress"/> knows every host), with the same actor names as one process.
/// </summary>
internal sealed class ScriptActor : UntypedActor, IWithTimers
{
    private readonly IReadOnlyList<ScriptStep> _steps;
    private readonly ScriptTargets _targets;
    private readonly Dictionary<string, Protocol.Links.LinkParameters> _linkParameters;
    private ushort _nextIdentifier = 0x4E53; // "NS": ping identifiers, one per flow

    private sealed record Fire(int Index);

    public ITimerScheduler Timers { get; set; } = null!;

    public ScriptActor(IReadOnlyList<ScriptStep> steps, ScriptTargets targets)
    {
        _steps = steps;
        _targets = targets;
        _linkParameters = new Dictionary<string, Protocol.Links.LinkParameters>(targets.LinkParameters);
    }

    public static Props Props(IReadOnlyList<ScriptStep> steps, ScriptTargets targets) =>
        Akka.Actor.Props.Create(() => new ScriptActor(steps, targets)).WithSimDispatcher();

    protected override void PreStart()
    {
        for (var i = 0; i < _steps.Count; i++)
        {
            if (_steps[i].At <= TimeSpan.Zero) Self.Tell(new Fire(i));
            else Timers.StartSingleTimer("step-" + i, new Fire(i), _steps[i].At);
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Fire f:
                Run(_steps[f.Index], f.Index);
                break;
            case FilesClosed:     // zero files when the NIC was already gone
            case LinkParametersSet:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Run(ScriptStep step, int index)
    {
        switch (step)
        {
            case PingStep p:
                // Every partition counts every ping, so a flow gets the same identifier wherever it runs.
                var identifier = _nextIdentifier++;
                if (_targets.Hosts.TryGetValue(p.From, out var pinger))
                    Context.ActorOf(PingFlowActor.Props(pinger, _targets.Flows[p.Name], ScenarioRunner.ToIp(p.To),
                        identifier, p.Count, p.Interval, p.Size, (byte)p.Ttl), "flow-" + index);
                break;
            case UdpStep u:
                var destination = ScenarioRunner.ToIp(u.To);
                var stats = _targets.Flows[u.Name];
                if (LocalHostOf(destination) is { } receiver)
                    Context.ActorOf(UdpReceiverActor.Props(receiver, stats, (ushort)u.Port), "sink-" + index);
                if (_targets.Hosts.TryGetValue(u.From, out var sender))
                    Context.ActorOf(UdpSenderActor.Props(sender, stats, destination, (ushort)u.Port, u.PacketsPerSecond, u.Size, u.Count, u.Duration), "flow-" + index);
                break;
            case TcpStep t:
            {
                var tcpDestination = ScenarioRunner.ToIp(t.To);
                var tcpStats = _targets.TcpFlows[t.Name];
                var source = _targets.Hosts.TryGetValue(t.From, out var tcpSender)
                    ? TcpSourceActor.Props(tcpSender, tcpStats, tcpDestination, (ushort)t.Port, t.Bytes, t.Duration, t.CongestionControl)
                    : null;
                if (_targets.HostByAddress.ContainsKey(tcpDestination))
                {
                    var sinkHost = LocalHostOf(tcpDestination);
                    if (sinkHost is not null || source is not null)
                        Context.ActorOf(TcpSinkActor.Props(sinkHost, tcpStats, (ushort)t.Port, source), "tcp-" + index);
                }
                else if (source is not null)
                {
                    Context.ActorOf(source, "tcp-" + index);
                }
                break;
            }
            case TcpEchoStep e:
                if (_targets.Hosts.TryGetValue(e.Host, out var echoHost))
                    Context.ActorOf(TcpEchoActor.Props(echoHost, (ushort)e.Port), "tcp-echo-" + index);
                break;
            case LinkDownStep d:
                SetLink(d.Link, p => p with { Up = false });
                break;
            case LinkUpStep up:
                SetLink(up.Link, p => p with { Up = true });
                break;
            case LinkSetStep s:
                SetLink(s.Link, p => p with
                {
                    Delay = s.Delay ?? p.Delay,
                    Jitter = s.Jitter ?? p.Jitter,
                    Loss = s.Loss ?? p.Loss,
                    RateBitsPerSecond = s.RateBitsPerSecond ?? p.RateBitsPerSecond,
                    QueueLimit = s.QueueLength ?? p.QueueLimit,
                });
                break;
            case CloseDevicesStep c:
                if (_targets.Hosts.TryGetValue(c.Nic.Host, out var owner)) owner.Tell(new CloseFiles(c.Nic.Nic));
                break;
            case ExpectStep:
                break; // evaluated after the run
        }
    }

    private void SetLink(string name, Func<Protocol.Links.LinkParameters, Protocol.Links.LinkParameters> change)
    {
        var next = change(_linkParameters[name]);
        _linkParameters[name] = next;
        // A cut link has a half in each of its two partitions; each partition's script tells its own.
        if (_targets.Links.TryGetValue(name, out var link)) link.Tell(new SetLinkParameters(next));
    }

    /// <summary>The host that owns <paramref name="address"/>, when this partition simulates it.</summary>
    private IActorRef? LocalHostOf(IpAddress address) =>
        _targets.HostByAddress.TryGetValue(address, out var name) && _targets.Hosts.TryGetValue(name, out var host) ? host : null;
}
