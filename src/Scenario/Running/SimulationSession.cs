using System.Collections.Concurrent;
using Akka.Actor;
using NetSim.Actors;
using NetSim.Actors.Time;

namespace NetSim.Scenario.Running;

/// <summary>
/// The actor system of one run and the three things the runner does with it, in either time mode: start actors,
/// ask them something and wait for the answer, and let simulated time pass. In virtual mode the runner's thread
/// drives the deterministic dispatcher (answers come from <see cref="SimulationDriver.RunUntilIdle"/>); in real
/// mode actors run on the thread pool and the runner waits on the wall clock.
/// </summary>
internal sealed class SimulationSession : IDisposable
{
    private static readonly TimeSpan RealTimeAnswer = TimeSpan.FromSeconds(10);
    private readonly SimulationDriver? _driver;
    private readonly DateTime _realStart = DateTime.UtcNow;

    public SimulationSession(TimeMode mode, long seed, bool verbose = true)
    {
        var log = verbose ? "" : "\nakka.loglevel = OFF\nakka.stdout-loglevel = OFF";
        var config = NetSimConfig.With($"netsim.time.mode = {mode.ToString().ToLowerInvariant()}\nnetsim.random.seed = {seed.ToString(global::System.Globalization.CultureInfo.InvariantCulture)}{log}");
        System = ActorSystem.Create("netsim-run", config);
        if (mode == TimeMode.Virtual) _driver = SimulationDriver.For(System);
    }

    public ActorSystem System { get; }
    public bool IsVirtual => _driver is not null;

    /// <summary>Simulated time since the run started.</summary>
    public TimeSpan Now => _driver?.Now ?? System.SimElapsed();

    /// <summary>Starts a top-level actor and returns once it runs.</summary>
    public IActorRef ActorOf(Props props, string name)
    {
        if (_driver is not null) return _driver.ActorOf(props, name);
        return System.ActorOf(props, name);
    }

    /// <summary>Sends <paramref name="message"/> and returns the answer (a failure reply is returned too, not thrown).</summary>
    public object Request(IActorRef target, object message)
    {
        var answer = target.Ask<object>(message, IsVirtual ? null : RealTimeAnswer);
        _driver?.RunUntilIdle();
        if (!answer.Wait(IsVirtual ? TimeSpan.Zero : RealTimeAnswer + TimeSpan.FromSeconds(1)))
            throw new InvalidOperationException($"{target.Path.Name} did not answer {message.GetType().Name}");
        return answer.Result;
    }

    /// <summary>Lets everything at the current instant finish (virtual); in real mode the actors run on their own.</summary>
    public void Settle()
    {
        if (_driver is not null) _driver.RunUntilIdle();
    }

    /// <summary>Runs until simulated time <paramref name="until"/>.</summary>
    public void AdvanceTo(TimeSpan until, CancellationToken cancellation = default)
    {
        if (_driver is not null)
        {
            _driver.RunUntil(until);
            return;
        }
        var wait = _realStart + until - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) cancellation.WaitHandle.WaitOne(wait); // the runner's own thread, not an actor: real mode waits for real
    }

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(30));
}

/// <summary>Keeps every message it receives, for the runner to read after settling (link readiness, failures).</summary>
internal sealed class MessageRecorder : UntypedActor
{
    private readonly ConcurrentQueue<object> _messages;

    public MessageRecorder(ConcurrentQueue<object> messages) => _messages = messages;

    public static Props Props(ConcurrentQueue<object> messages) =>
        Akka.Actor.Props.Create(() => new MessageRecorder(messages)).WithSimDispatcher();

    protected override void OnReceive(object message) => _messages.Enqueue(message);
}
