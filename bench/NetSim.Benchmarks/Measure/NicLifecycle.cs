using Akka.Actor;
using NetSim.Actors;
using NetSim.Actors.Device;
using NetSim.Protocol;
using NetSim.Protocol.Device;
using NetSim.Protocol.Stack;

namespace NetSim.Benchmarks.Measure;

/// <summary>
/// NIC creation and teardown cycles: open a file, Attach("") (a new tun&lt;ID&gt;), Close, and wait for the stack's
/// NicRemoved (WatchNics). A driver actor runs <c>concurrency</c> cycles at a time with Tells only; the caller
/// waits for the whole batch. The baseline (<see cref="RunBareActors"/>) is the same shape with a bare Akka actor:
/// spawn, one request/reply, stop, and the DeathWatch notification.
/// </summary>
public sealed class NicLifecycle : IDisposable
{
    private readonly NetSimSystem _sim;
    private readonly IActorRef _driver;
    private readonly IActorRef _bare;

    private NicLifecycle(NetSimSystem sim, IActorRef driver, IActorRef bare)
    {
        _sim = sim;
        _driver = driver;
        _bare = bare;
    }

    public static NicLifecycle Start(string name = "bench-nics")
    {
        var sim = NetSimSystem.Create(name);
        try
        {
            var host = sim.AddHost("h1");
            var driver = sim.System.ActorOf(Props.Create(() => new CycleDriver(host)), "cycles");
            ActorFramePath.Expect<NicList>(host.Ask<object>(new WatchNics(driver), TimeSpan.FromSeconds(10)).Result);
            var bare = sim.System.ActorOf(Props.Create(() => new BareDriver()), "bare");
            return new NicLifecycle(sim, driver, bare);
        }
        catch
        {
            sim.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="cycles"/> NIC cycles, <paramref name="concurrency"/> at a time.</summary>
    public void Run(int cycles, int concurrency = 1) => Wait(_driver, cycles, concurrency);

    /// <summary>Runs <paramref name="cycles"/> bare actor spawn/ping/stop cycles, <paramref name="concurrency"/> at a time.</summary>
    public void RunBareActors(int cycles, int concurrency = 1) => Wait(_bare, cycles, concurrency);

    private static void Wait(IActorRef driver, int cycles, int concurrency)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        driver.Tell(new StartCycles(cycles, Math.Max(1, concurrency), done));
        if (!done.Task.Wait(TimeSpan.FromSeconds(120))) throw new TimeoutException($"{cycles} cycles did not finish");
    }

    public void Dispose() => _sim.Dispose();

    private sealed record StartCycles(int Cycles, int Concurrency, TaskCompletionSource Done);

    private abstract class CyclingActor : UntypedActor
    {
        private int _target, _started, _finished;
        private TaskCompletionSource? _done;

        protected abstract void Begin();

        protected void Finished()
        {
            if (++_finished >= _target && _done is not null)
            {
                _done.TrySetResult();
                _done = null;
                return;
            }
            Next();
        }

        protected void Fail(object message) => _done?.TrySetException(new InvalidOperationException($"unexpected {message}"));

        protected bool OnStart(object message)
        {
            if (message is not StartCycles s) return false;
            _target = s.Cycles;
            _started = _finished = 0;
            _done = s.Done;
            for (var i = 0; i < s.Concurrency; i++) Next();
            return true;
        }

        private void Next()
        {
            if (_started >= _target) return;
            _started++;
            Begin();
        }
    }

    private sealed class CycleDriver(IActorRef host) : CyclingActor
    {
        private static readonly Attach AttachNew = new("", TunFlags.Tun | TunFlags.NoPacketInfo);

        protected override void Begin()
        {
            // What sim.OpenDevice does (it makes a top-level actor; here the file is a child of the driver).
            var file = Context.ActorOf(DeviceActor.Props(host));
            file.Tell(AttachNew);
        }

        protected override void OnReceive(object message)
        {
            if (OnStart(message)) return;
            switch (message)
            {
                case Attached: Sender.Tell(Close.Instance); break;
                case Closed: break;
                case NicRemoved: Finished(); break;
                default: Fail(message); break;
            }
        }
    }

    private sealed class BareDriver : CyclingActor
    {
        protected override void Begin()
        {
            var child = Context.ActorOf(Props.Create<Bare>());
            Context.Watch(child);
            child.Tell(Ping.Instance);
        }

        protected override void OnReceive(object message)
        {
            if (OnStart(message)) return;
            switch (message)
            {
                case Ping: Sender.Tell(PoisonPill.Instance); break;
                case Terminated: Finished(); break;
                default: Fail(message); break;
            }
        }
    }

    private sealed class Ping
    {
        public static readonly Ping Instance = new();
    }

    private sealed class Bare : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }
}
