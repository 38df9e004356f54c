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
    private readonly bool _leaveToProcessExit;

    /// <param name="mode">Virtual or real time.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="verbose">Akka's own log on the console.</param>
    /// <param name="leaveToProcessExit">The process ends after this run: in virtual time <see cref="Dispose"/> leaves the
    /// actors as they are (nothing of theirs runs once no thread drives the dispatcher) instead of stopping each one,
    /// and Akka's exit hook is off, so the exit does not stop them either.</param>
    /// <param name="name">The actor system's name.</param>
    public SimulationSession(TimeMode mode, long seed, bool verbose = true, bool leaveToProcessExit = false, string name = "netsim-run")
    {
        var log = verbose ? "" : "\nakka.loglevel = OFF\nakka.stdout-loglevel = OFF";
        _leaveToProcessExit = leaveToProcessExit && mode == TimeMode.Virtual;
        var exitHook = _leaveToProcessExit ? "\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off" : "";
        var config = NetSimConfig.With($"netsim.time.mode = {mode.ToString().ToLowerInvariant()}\nnetsim.random.seed = {seed.ToString(global::System.Globalization.CultureInfo.InvariantCulture)}{log}{exitHook}");
        System = ActorSystem.Create(name, config);
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

    /// <summary>
    /// Starts top-level actors and returns once all of them run. Their starts reach the run queue in the order given
    /// (one guardian starts them in turn), so the run stays deterministic; waiting once for all instead of once per
    /// actor is what makes setting up 10,000 hosts fast.
    /// </summary>
    public IActorRef[] ActorsOf(IReadOnlyList<(Props Props, string Name)> actors)
    {
        var refs = new IActorRef[actors.Count];
        for (var i = 0; i < refs.Length; i++) refs[i] = System.ActorOf(actors[i].Props, actors[i].Name);
        if (_driver is not null)
            foreach (var actor in refs) _driver.AwaitStarted(actor);
        return refs;
    }

    /// <summary>Sends <paramref name="message"/> and returns the answer (a failure reply is returned too, not thrown).</summary>
    public object Request(IActorRef target, object message) => RequestAll([(target, message)])[0];

    /// <summary>
    /// Sends every message (in order; to one actor they arrive in that order), lets the actors work, and returns the
    /// answers in the same order. Virtual time drains the run queue once for the whole batch instead of once per
    /// message. Each message's answer comes back to its own slot of one <see cref="AnswerSlots"/> (not an Ask: no
    /// temporary actor registered, no task, no timer per message; at 10,000 hosts a run asks about 160,000 things).
    /// </summary>
    public object[] RequestAll(IReadOnlyList<(IActorRef Target, object Message)> requests)
    {
        var answers = new AnswerSlots((ExtendedActorSystem)System, requests.Count);
        for (var i = 0; i < requests.Count; i++) requests[i].Target.Tell(requests[i].Message, answers.ReplyTo(i));
        if (_driver is not null) _driver.RunUntilIdle();
        else answers.Wait(RealTimeAnswer);
        var results = new object[requests.Count];
        for (var i = 0; i < results.Length; i++)
            results[i] = answers[i] ?? throw new InvalidOperationException($"{requests[i].Target.Path.Name} did not answer {requests[i].Message.GetType().Name}");
        return results;
    }

    /// <summary>Lets everything at the current instant finish (virtual); in real mode the actors run on their own.</summary>
    public void Settle()
    {
        if (_driver is not null) _driver.RunUntilIdle();
    }

    /// <summary>Runs until simulated time <paramref name="until"/>; returns the scheduler turns (mailbox runs and
    /// timer firings) that took in virtual time, 0 in real time.</summary>
    public long AdvanceTo(TimeSpan until, CancellationToken cancellation = default)
    {
        if (_driver is not null) return _driver.RunUntil(until);
        var wait = _realStart + until - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) cancellation.WaitHandle.WaitOne(wait); // the runner's own thread, not an actor: real mode waits for real
        return 0;
    }

    /// <summary>Stops every actor and the system; a session left to the process's exit stops nothing.</summary>
    public void Dispose()
    {
        if (_leaveToProcessExit) return;
        System.Terminate().Wait(TimeSpan.FromSeconds(30));
    }
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

/// <summary>
/// The answers to one batch of requests: a reply reference per request (a bare <see cref="MinimalActorRef"/>, told
/// directly: the first message it is told is its request's answer) and the answers by request index.
/// </summary>
internal sealed class AnswerSlots
{
    private readonly ExtendedActorSystem _system;
    private readonly ActorPath _path;
    private readonly object?[] _answers;
    private readonly ManualResetEventSlim _allAnswered = new(false);
    private int _waiting;

    public AnswerSlots(ExtendedActorSystem system, int count)
    {
        _system = system;
        _path = system.Provider.TempPath();
        _answers = new object?[count];
        _waiting = count;
        if (count == 0) _allAnswered.Set();
    }

    /// <summary>The answer to request <paramref name="index"/>, or null while none came.</summary>
    public object? this[int index] => Volatile.Read(ref _answers[index]);

    /// <summary>The reference request <paramref name="index"/> is sent from (its answer's destination).</summary>
    public IActorRef ReplyTo(int index) => new Slot(this, index);

    /// <summary>Waits until every request is answered or <paramref name="timeout"/> passed (real time: actors answer on
    /// the thread pool).</summary>
    public void Wait(TimeSpan timeout) => _allAnswered.Wait(timeout);

    private void Answer(int index, object message)
    {
        if (Interlocked.CompareExchange(ref _answers[index], message, null) is null && Interlocked.Decrement(ref _waiting) == 0)
            _allAnswered.Set();
    }

    private sealed class Slot(AnswerSlots slots, int index) : MinimalActorRef
    {
        public override ActorPath Path => slots._path;

        public override IActorRefProvider Provider => slots._system.Provider;

        protected override void TellInternal(object message, IActorRef sender) => slots.Answer(index, message);
    }
}
