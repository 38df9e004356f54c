using System.Diagnostics;
using Akka.Actor;
using NetSim.Actors;
using NetSim.Actors.Time;

namespace NetSim.Benchmarks.Measure;

/// <summary>One figure of <see cref="TurnFloor"/>: turns run, and what they cost on the driving thread.</summary>
/// <param name="Turns">Scheduler turns (mailbox runs and timer firings) the driver counted.</param>
/// <param name="Messages">Messages the actors received (with throughput 100 a run may take several).</param>
/// <param name="CpuSeconds">CPU of the driving thread (the only one that runs NetSim actors in virtual time).</param>
/// <param name="AllocatedBytes">Bytes the driving thread allocated while driving.</param>
public sealed record TurnFloorResult(string Case, long Turns, long Messages, double WallSeconds, double CpuSeconds, long AllocatedBytes)
{
    public double NsPerTurn => CpuSeconds * 1e9 / Turns;
    public double BytesPerTurn => (double)AllocatedBytes / Turns;

    /// <summary>Frames per second if a frame cost <paramref name="turnsPerFrame"/> of these turns and nothing else.</summary>
    public double FramesPerSecondAt(double turnsPerFrame) => 1e9 / (NsPerTurn * turnsPerFrame);

    public override string ToString() =>
        $"{Case,-44} {Turns,11:N0} turns {NsPerTurn,7:N1} ns/turn (CPU; wall {WallSeconds * 1e9 / Turns,7:N1}; {CpuSeconds * 1e9 / Messages,6:N1} ns/message) {BytesPerTurn,5:N1} B/turn" +
        $"  -> {FramesPerSecondAt(7) / 1e6,5:N2} M frames/s at 7 turns/frame";
}

/// <summary>
/// The floor of the run phase (<c>--turns</c>): actors that do nothing but pass a message on, driven by NetSim's
/// virtual-time executor (<see cref="SimulationDriver"/>, <see cref="VirtualScheduler"/>, <c>netsim.dispatcher</c> with
/// <see cref="SimMailbox"/>) exactly as a scenario's actors are. What one turn costs here is what every turn of a frame
/// costs before NetSim's own work (stack, NIC, link code, counters); a frame takes 7 turns in star and chain.
/// </summary>
/// <remarks>
/// The cases: a message bounced between two actors (every Tell one mailbox run, the cheapest turn: the same two
/// actors stay in cache); a message going round a ring of 10 actors, and 16 round a ring of 1,000 (every turn another actor, as a
/// scenario of 1,000 hosts touches thousands of actors); and the frame's shape, a cycle of
/// stack -> NIC -> link -> wake-up timer (1 ms) -> link -> NIC -> stack over 10 or 1,000 links, where the link arms a
/// re-armable timer entry (<see cref="VirtualScheduler.CreateTell"/>) as <c>DelayLine</c> does, so the clock moves.
/// Payloads are preallocated: what is allocated is the executor's and Akka's own.
/// </remarks>
public static class TurnFloor
{
    public static IEnumerable<TurnFloorResult> Run(long turns)
    {
        // Each case once cold (JIT; not reported) and then measured.
        PingPong(20_000);
        yield return PingPong(turns);
        Ring(1_000, 16, 20_000);
        yield return Ring(10, 1, turns);
        yield return Ring(1_000, 16, turns);
        FrameShape(10, 20_000);
        yield return FrameShape(10, turns);
        yield return FrameShape(1_000, turns);
        yield return PingPongThreadPool(turns);
    }

    /// <summary>Two actors bounce one message until <paramref name="turns"/> messages were received.</summary>
    public static TurnFloorResult PingPong(long turns) => Ring(2, 1, turns, "ping-pong, 2 actors");

    /// <summary><paramref name="tokens"/> messages go round a ring of <paramref name="actors"/> actors.</summary>
    public static TurnFloorResult Ring(int actors, int tokens, long turns, string? name = null)
    {
        using var system = ActorSystem.Create("turns", NetSimConfig.Virtual(1));
        var driver = SimulationDriver.For(system);
        var budget = new Budget(turns);
        var ring = new IActorRef[actors];
        for (var i = 0; i < actors; i++) ring[i] = driver.ActorOf(SimDispatcher.Props<Passer>(budget), $"a{i}");
        for (var i = 0; i < actors; i++) ring[i].Tell(ring[(i + 1) % actors]);
        driver.RunUntilIdle();
        for (var t = 0; t < tokens; t++) ring[t * actors / tokens].Tell(Token.Instance);
        return Drive(name ?? $"ring of {actors:N0} actors, {tokens} messages", driver, budget, () => driver.RunUntilIdle());
    }

    /// <summary>
    /// Frames go round <paramref name="links"/> hops of stack -> NIC -> link -> timer -> link -> NIC -> next stack, one
    /// frame in flight per hop (as the pings of a scenario seldom share a link's instant).
    /// </summary>
    public static TurnFloorResult FrameShape(int links, long turns)
    {
        using var system = ActorSystem.Create("turns", NetSimConfig.Virtual(1));
        var driver = SimulationDriver.For(system);
        var budget = new Budget(turns);
        var stacks = new IActorRef[links];
        var nicsOut = new IActorRef[links];
        var linkActors = new IActorRef[links];
        var nicsIn = new IActorRef[links];
        for (var i = 0; i < links; i++)
        {
            stacks[i] = driver.ActorOf(SimDispatcher.Props<Passer>(budget), $"s{i}");
            nicsOut[i] = driver.ActorOf(SimDispatcher.Props<Passer>(budget), $"o{i}");
            linkActors[i] = driver.ActorOf(SimDispatcher.Props<DelayedPasser>(budget), $"l{i}");
            nicsIn[i] = driver.ActorOf(SimDispatcher.Props<Passer>(budget), $"i{i}");
        }
        for (var i = 0; i < links; i++)
        {
            stacks[i].Tell(nicsOut[i]);
            nicsOut[i].Tell(linkActors[i]);
            linkActors[i].Tell(nicsIn[i]);
            nicsIn[i].Tell(stacks[(i + 1) % links]);
        }
        driver.RunUntilIdle();
        for (var i = 0; i < links; i++) stacks[i].Tell(Token.Instance);
        return Drive($"frame shape, {links:N0} links (7 turns a hop)", driver, budget, () => driver.RunUntil(TimeSpan.FromDays(1000)));
    }

    /// <summary>For comparison: two actors bouncing a message on Akka's own thread-pool dispatcher (real time).</summary>
    public static TurnFloorResult PingPongThreadPool(long turns)
    {
        using var system = ActorSystem.Create("turns-real");
        var budget = new Budget(turns);
        var done = new ManualResetEventSlim();
        budget.Done = done;
        var a = system.ActorOf(Props.Create(() => new Passer(budget)), "a");
        var b = system.ActorOf(Props.Create(() => new Passer(budget)), "b");
        a.Tell(b);
        b.Tell(a);
        Thread.Sleep(100); // both set up (real time; the figure is for comparison only)
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        a.Tell(Token.Instance);
        done.Wait();
        sw.Stop();
        var cpuUsed = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return new TurnFloorResult("Akka thread-pool dispatcher, ping-pong (process CPU)", budget.Received, budget.Received, sw.Elapsed.TotalSeconds, cpuUsed,
            GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    private static TurnFloorResult Drive(string name, SimulationDriver driver, Budget budget, Func<long> run)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpu.Now();
        var sw = Stopwatch.StartNew();
        var executed = run();
        sw.Stop();
        var cpuUsed = ThreadCpu.Now() - cpu;
        return new TurnFloorResult(name, executed, budget.Received, sw.Elapsed.TotalSeconds, cpuUsed, GC.GetAllocatedBytesForCurrentThread() - allocated);
    }

    /// <summary>Counts messages; once <see cref="Left"/> reaches 0 the actors stop passing, and the driver is idle.</summary>
    private sealed class Budget(long messages)
    {
        private long _left = messages;
        public long Received;
        public ManualResetEventSlim? Done;

        // Single driving thread in virtual time; the thread-pool case is ping-pong, so one actor runs at a time.
        public bool Take()
        {
            Received++;
            if (--_left > 0) return true;
            if (_left == 0) Done?.Set();
            return false;
        }
    }

    private sealed class Token
    {
        public static readonly Token Instance = new();
    }

    /// <summary>Learns its next actor from the first message; passes every token on.</summary>
    private sealed class Passer(Budget budget) : UntypedActor
    {
        private IActorRef _next = ActorRefs.Nobody;

        protected override void OnReceive(object message)
        {
            if (message is Token)
            {
                if (budget.Take()) _next.Tell(message, Self);
            }
            else _next = (IActorRef)message;
        }
    }

    /// <summary>A link: a token arms a 1 ms wake-up (one reusable timer entry); the wake-up passes the token on.</summary>
    private sealed class DelayedPasser(Budget budget) : UntypedActor
    {
        private sealed class WakeUp
        {
            public static readonly WakeUp Instance = new();
        }

        private IActorRef _next = ActorRefs.Nobody;
        private VirtualScheduler.ScheduledTell? _wakeUp;
        private int _due;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Token:
                    if (!budget.Take()) return;
                    _wakeUp ??= ((VirtualScheduler)Context.System.Scheduler).CreateTell(Self, WakeUp.Instance, Self);
                    ((VirtualScheduler)Context.System.Scheduler).Arm(_wakeUp, TimeSpan.FromMilliseconds(1));
                    _due++;
                    break;
                case WakeUp:
                    if (budget.Take() && _due-- > 0) _next.Tell(Token.Instance, Self);
                    break;
                case IActorRef next:
                    _next = next;
                    break;
            }
        }
    }

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in seconds.</summary>
    private static class ThreadCpu
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        public static double Now()
        {
            const int threadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID
            return ClockGetTime(threadCpuTime, out var t) == 0 ? t.Seconds + t.Nanoseconds / 1e9 : double.NaN;
        }
    }
}
