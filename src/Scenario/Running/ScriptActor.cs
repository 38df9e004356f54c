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
/// Expectations are evaluated by the runner after the run, on the final figures.
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
                Context.ActorOf(PingFlowActor.Props(_targets.Hosts[p.From], _targets.Flows[p.Name], ScenarioRunner.ToIp(p.To),
                    _nextIdentifier++, p.Count, p.Interval, p.Size, (byte)p.Ttl), "flow-" + index);
                break;
            case UdpStep u:
                var destination = ScenarioRunner.ToIp(u.To);
                var stats = _targets.Flows[u.Name];
                if (_targets.HostByAddress.TryGetValue(destination, out var receiverHost))
                    Context.ActorOf(UdpReceiverActor.Props(_targets.Hosts[receiverHost], stats, (ushort)u.Port), "sink-" + index);
                Context.ActorOf(UdpSenderActor.Props(_targets.Hosts[u.From], stats, destination, (ushort)u.Port, u.PacketsPerSecond, u.Size, u.Count, u.Duration), "flow-" + index);
                break;
            case TcpStep t:
            {
                var tcpDestination = ScenarioRunner.ToIp(t.To);
                var tcpStats = _targets.TcpFlows[t.Name];
                var source = TcpSourceActor.Props(_targets.Hosts[t.From], tcpStats, tcpDestination, (ushort)t.Port, t.Bytes, t.Duration, t.CongestionControl);
                // The sink listens first and then starts the source, so the SYN never races the listen.
                if (_targets.HostByAddress.TryGetValue(tcpDestination, out var tcpReceiver))
                    Context.ActorOf(TcpSinkActor.Props(_targets.Hosts[tcpReceiver], tcpStats, (ushort)t.Port, source), "tcp-" + index);
                else
                    Context.ActorOf(source, "tcp-" + index);
                break;
            }
            case TcpEchoStep e:
                Context.ActorOf(TcpEchoActor.Props(_targets.Hosts[e.Host], (ushort)e.Port), "tcp-echo-" + index);
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
                _targets.Hosts[c.Nic.Host].Tell(new CloseFiles(c.Nic.Nic));
                break;
            case ExpectStep:
                break; // evaluated after the run
        }
    }

    private void SetLink(string name, Func<Protocol.Links.LinkParameters, Protocol.Links.LinkParameters> change)
    {
        var next = change(_linkParameters[name]);
        _linkParameters[name] = next;
        _targets.Links[name].Tell(new SetLinkParameters(next));
    }
}
